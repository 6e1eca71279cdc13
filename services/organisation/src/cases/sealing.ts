/** Sealing and opening case content as the bus's organisation, bound to the case's key when it has one. */
import { CaseContent, SchakelError, type SealedContent } from "@schakel/contracts";
import { open, seal, type Bus, type CaseKey } from "@schakel/contracts/bus";
import { caseKeysOf } from "./case-keys.ts";

/** Seals case content to each named organisation (duplicates removed), bound to `caseKey` when given. */
export const sealTo = (bus: Bus, content: CaseContent, orgs: readonly string[], caseKey?: CaseKey): SealedContent =>
  seal(content, [...new Set(orgs)].map((org) => ({ org, key: bus.directory.sealingKeyOf(org) })), undefined, caseKey);

/** Opens case content sealed to the bus's organisation; throws SchakelError("sealed") otherwise (or when the case key is not held). */
export function openContent(bus: Bus, sealed: SealedContent, caseKey?: CaseKey): CaseContent {
  const parsed = CaseContent.safeParse(open(sealed, bus.org, bus.identity.sealingPrivateKey, undefined, caseKey));
  if (!parsed.success) throw new SchakelError("sealed", "the sealed content is not case content", {});
  return parsed.data;
}

/** The key of a case this organisation takes part in; throws while it has not arrived (or after erasure). */
export function requireCaseKey(bus: Bus, caseRef: string): CaseKey {
  const key = caseKeysOf(bus).get(caseRef);
  if (!key) {
    throw new SchakelError("not-found", `"${bus.org}" does not hold the key of case ${caseRef}: it is erased, or its municipality's service has not granted it yet (try again in a moment)`, { caseRef }, { retryable: true });
  }
  return key;
}
