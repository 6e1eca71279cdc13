/**
 * Erasure by key destruction. The streams are append-only (CASE keeps its messages for its
 * retention, backups keep what they copied), so a case's content is made unreadable instead of
 * deleted: the municipality sends `case.erased`, and every participant destroys its copy of the
 * case key. Every stored ciphertext of the case — in CASE, in a backup, in a sandbox — was sealed
 * under that key and opens nowhere again. The `case.erased` message, metadata only, is the record
 * of the erasure, chained by the audit like every stored message.
 *
 * Erasure happens on request (`schakel case erase`) and when the retention after closing runs out
 * (`SCHAKEL_CASE_RETENTION`, default 90 days: the CASE stream's retention).
 */
import { SchakelError, type Actor, type CaseErased } from "@schakel/contracts";
import type { Bus, Delivery } from "@schakel/contracts/bus";
import { platformOf } from "../addressing.ts";
import type { CaseFile } from "../records.ts";
import { orgState, type OrgState } from "../state.ts";
import { caseKeysOf, type CaseKeyStore } from "./case-keys.ts";
import { requireCase } from "./lifecycle.ts";

export interface EraseInput {
  caseRef: string;
  reason: CaseErased["reason"];
  note?: string;
  actor?: Actor;
}

/** Erases an own case: every participant (this municipality included) destroys the case key. */
export async function eraseCase(bus: Bus, input: EraseInput): Promise<{ caseRef: string; keyId: string; participants: string[] }> {
  const state = await orgState(bus);
  const file = await requireCase(state, input.caseRef);
  if (file.livc !== bus.org) throw new SchakelError("not-allowed", `case ${file.caseRef} belongs to the LIVC-R of ${file.livc}: only ${file.livc} erases it`, { caseRef: file.caseRef });
  if (file.erased) throw new SchakelError("not-allowed", `case ${file.caseRef} was erased at ${file.erased.at} (${file.erased.reason})`, { caseRef: file.caseRef });
  const store = caseKeysOf(bus);
  const keyId = file.sealed.caseKey ?? store.get(file.caseRef)?.id ?? "none";
  const data = { caseRef: file.caseRef, livc: bus.org, keyId, reason: input.reason, ...(input.note ? { note: input.note } : {}), participants: file.participants };
  for (const to of [...file.participants, platformOf(bus.directory)]) {
    const ack = await bus.publish("case.erased", data, { to, idempotencyKey: `case-erase|${file.caseRef}`, ...(input.actor ? { actor: input.actor } : {}) });
    if (to === bus.org) await recordErasure(state, store, { data, envelope: ack.envelope as Delivery<"case.erased">["envelope"] });
  }
  return { caseRef: file.caseRef, keyId, participants: file.participants };
}

/** Destroys this organisation's copy of the case key and marks the case erased. */
export async function recordErasure(state: OrgState, store: CaseKeyStore | undefined, d: Pick<Delivery<"case.erased">, "data" | "envelope">): Promise<CaseFile | undefined> {
  const { data, envelope } = d;
  store?.erase(data.caseRef);
  const r = await state.cases.mutate(data.caseRef, (cur) => (cur && !cur.erased ? { ...cur, erased: { at: envelope.time, reason: data.reason, messageId: envelope.id } } : undefined));
  return r?.value;
}

/** The cases of this municipality whose retention after closing ran out at `now` and that are not erased yet. */
export async function casesPastRetention(state: OrgState, org: string, retentionMs: number, now: number): Promise<CaseFile[]> {
  return (await state.cases.list()).map((s) => s.value)
    .filter((c) => c.livc === org && c.closed && !c.erased && Date.parse(c.closed.at) + retentionMs <= now);
}
