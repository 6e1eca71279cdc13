/**
 * Organisations and the public key directory. The registry (infra/registry.json) says who exists;
 * the directory, generated from it, holds each organisation's public keys so that every receiver
 * can verify senders and seal case content without asking the broker.
 */
import { z } from "zod";
import { OrgId } from "./ids.ts";
import { Level, Province, Role } from "./vocabulary.ts";

/**
 * One organisation. `province`, `neighbours` and `municipality` came later: registries and
 * directories written before them still read (they are optional).
 */
export const Organisation = z.object({
  id: OrgId,
  name: z.string().trim().min(2).max(120),
  level: Level,
  roles: z.array(Role).min(1),
  /** For policy domains: which domain they speak for. */
  domain: z.string().optional(),
  /** For municipalities: the province they lie in (a municipality may warn the municipalities of its province). */
  province: Province.optional(),
  /** For municipalities: the municipalities that border on it, listed on both sides (it may warn them). */
  neighbours: z.array(OrgId).max(30).optional(),
  /** For a municipality's local partners (school/CLB contact, youth service, CAW): the municipality they work with. */
  municipality: OrgId.optional(),
});
export type Organisation = z.infer<typeof Organisation>;

/** What the registry's cross-references must hold; each issue names the organisation and the field. */
function checkReferences(r: { organisations: Organisation[] }, ctx: z.RefinementCtx): void {
  const byId = new Map<string, Organisation>();
  r.organisations.forEach((o, i) => {
    if (byId.has(o.id)) ctx.addIssue({ code: "custom", path: ["organisations", i, "id"], message: `duplicate organisation id "${o.id}"` });
    else byId.set(o.id, o);
  });
  const isMunicipality = (id: string): boolean => byId.get(id)?.roles.includes("municipality") === true;
  r.organisations.forEach((o, i) => {
    const issue = (field: string, message: string, at: (string | number)[] = []): void =>
      ctx.addIssue({ code: "custom", path: ["organisations", i, field, ...at], message: `"${o.id}": ${message}` });
    if (o.roles.includes("local-partner") && o.municipality === undefined) {
      issue("municipality", "a local partner names the municipality it works with in \"municipality\"");
    }
    if (o.municipality !== undefined && !isMunicipality(o.municipality)) {
      issue("municipality", `municipality "${o.municipality}" is not a municipality in the registry; name the id of one`);
    }
    if (o.neighbours === undefined) return;
    if (!o.roles.includes("municipality")) issue("neighbours", "only a municipality has neighbours; remove the field");
    o.neighbours.forEach((n, j) => {
      if (n === o.id) issue("neighbours", "a municipality is not its own neighbour", [j]);
      else if (!isMunicipality(n)) issue("neighbours", `neighbour "${n}" is not a municipality in the registry; name the id of one`, [j]);
      else if (!byId.get(n)!.neighbours?.includes(o.id)) issue("neighbours", `neighbour "${n}" does not list "${o.id}" among its neighbours; list each pair on both sides`, [j]);
    });
  });
}

export const Registry = z
  .object({
    organisations: z.array(Organisation).min(1),
  })
  .superRefine(checkReferences);
export type Registry = z.infer<typeof Registry>;

export const SigningKey = z.object({
  key: z.string().regex(/^U[A-Z2-7]{55}$/, "a public user nkey (U…)"),
  createdAt: z.iso.datetime({ offset: true }),
  revokedAt: z.iso.datetime({ offset: true }).optional(),
});
export type SigningKey = z.infer<typeof SigningKey>;

export const DirectoryEntry = Organisation.extend({
  signingKeys: z.array(SigningKey).min(1),
  /** X25519 public key (nkeys curve key, X…) that case content is sealed to. */
  sealingKey: z.string().regex(/^X[A-Z2-7]{55}$/, "a public curve nkey (X…)"),
  /**
   * When the organisation left the registry: its keys are revoked from then on, so what it stored
   * before still verifies, but nobody addresses it and it is served no more. Absent: a member.
   */
  leftAt: z.iso.datetime({ offset: true }).optional(),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

export const Directory = z.object({
  generatedAt: z.iso.datetime({ offset: true }),
  organisations: z.array(DirectoryEntry),
});
export type Directory = z.infer<typeof Directory>;
