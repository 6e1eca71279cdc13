/** The knowledge curator: the organisation with role `knowledge-partner` (VVSG in the demo registry). */
import { SchakelError } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";

/** The curator's id. @throws SchakelError `unknown-organisation` when the registry has none */
export function curatorOf(directory: Pick<KeyDirectory, "organisations">): string {
  const curator = directory.organisations.filter((o) => o.roles.includes("knowledge-partner")).map((o) => o.id).sort()[0];
  if (!curator) throw new SchakelError("unknown-organisation", "the registry has no organisation with role \"knowledge-partner\" to curate the knowledge library; add one (e.g. VVSG)", {});
  return curator;
}

/** True when `org` curates the library (one look-up: every organisation's service asks it at start). */
export const isCurator = (directory: Pick<KeyDirectory, "organisation">, org: string): boolean =>
  directory.organisation(org)?.roles.includes("knowledge-partner") === true;
