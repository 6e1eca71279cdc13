/**
 * Obligations: a notice that must be acknowledged by a deadline makes one obligation per
 * recipient organisation (groups such as `local` expanded through the key directory); a
 * coordination request with `respondBy` makes one per addressed organisation. The matching
 * acknowledgement or answer closes it. Opening and closing are idempotent, and a closing message
 * processed before its opening one leaves a closed placeholder, so the obligation never opens.
 */
import type { Delivery } from "@schakel/contracts/bus";
import type { ObligationKind } from "@schakel/contracts";
import { messageRefOf, recipientsOf } from "@schakel/organisation";
import type { PlatformContext } from "./context.ts";
import { obligationKey, type Obligation } from "./records.ts";

interface Opening {
  kind: ObligationKind;
  reference: string;
  owedTo: string;
  deadline: string;
  title: string;
  envelope: Delivery["envelope"];
}

async function open(p: PlatformContext, o: Opening, owedBy: string, now: string): Promise<void> {
  const key = obligationKey(o.kind, o.reference, owedBy);
  const details = { deadline: o.deadline, title: o.title, sourceMessageId: o.envelope.id, source: messageRefOf(o.envelope) };
  let opened = false;
  await p.stores.obligations.mutate(key, (cur): Obligation | undefined => {
    opened = false;
    if (!cur) {
      opened = true;
      return { key, kind: o.kind, reference: o.reference, owedBy, owedTo: o.owedTo, createdAt: now, ...details };
    }
    // A placeholder closed early gets the details for the read models, and stays closed.
    return cur.deadline ? undefined : { ...cur, ...details };
  });
  if (opened) p.emit({ kind: "obligation-opened", key, owedBy, owedTo: o.owedTo, deadline: o.deadline });
}

/** A copy of a notice with `ackRequired` and `ackBy` obliges every organisation its audience reaches. */
export async function openAcknowledgementObligations(p: PlatformContext, d: Delivery<"notice.posted">): Promise<number> {
  const { data, envelope } = d;
  if (!data.ackRequired || !data.ackBy) return 0;
  const owedBy = recipientsOf(p.directory, envelope.audience, envelope.sender);
  const now = d.storedAt.toISOString();
  const o: Opening = { kind: "acknowledgement", reference: data.noticeId, owedTo: envelope.sender, deadline: data.ackBy, title: data.title, envelope };
  for (const org of owedBy) await open(p, o, org, now);
  return owedBy.length;
}

/** A coordination request with `respondBy` obliges every organisation its audience reaches. */
export async function openResponseObligations(p: PlatformContext, d: Delivery<"coordination.requested">): Promise<number> {
  const { data, envelope } = d;
  if (!data.respondBy) return 0;
  const owedBy = recipientsOf(p.directory, envelope.audience, envelope.sender);
  const now = d.storedAt.toISOString();
  const o: Opening = { kind: "response", reference: data.requestId, owedTo: envelope.sender, deadline: data.respondBy, title: data.topic, envelope };
  for (const org of owedBy) await open(p, o, org, now);
  return owedBy.length;
}

async function close(p: PlatformContext, kind: ObligationKind, reference: string, owedBy: string, owedTo: string, d: Delivery, placeholder: boolean): Promise<void> {
  const key = obligationKey(kind, reference, owedBy);
  // The broker's storage time, not the sender's claim, decides whether it was in time.
  const closedAt = d.storedAt.toISOString();
  let late: boolean | undefined;
  await p.stores.obligations.mutate(key, (cur): Obligation | undefined => {
    late = undefined;
    if (cur?.closedAt) return undefined;
    if (!cur) return placeholder ? { key, kind, reference, owedBy, owedTo, createdAt: closedAt, closedAt, closedBy: d.envelope.id } : undefined;
    late = cur.deadline !== undefined && Date.parse(cur.deadline) < d.storedAt.getTime();
    return { ...cur, closedAt, closedBy: d.envelope.id };
  });
  if (late !== undefined) p.emit({ kind: "obligation-closed", key, late });
}

/**
 * An acknowledgement closes the sender's obligation for that notice. `noticeSeen` says whether
 * the notice itself was already processed (then a missing obligation means none was required).
 */
export async function closeAcknowledgementObligation(p: PlatformContext, d: Delivery<"notice.acknowledged">, noticeSeen: boolean): Promise<void> {
  // `recipient` is the sender itself: receivers refuse any other (decode.ts, catalog senderField).
  await close(p, "acknowledgement", d.data.noticeId, d.envelope.sender, d.envelope.audience, d, !noticeSeen);
}

/** An answer closes the responder's obligation for that request (matched by request id; causation id logged when it differs). */
export async function closeResponseObligation(p: PlatformContext, d: Delivery<"coordination.responded">): Promise<void> {
  const key = obligationKey("response", d.data.requestId, d.envelope.sender);
  const cur = await p.stores.obligations.get(key);
  if (cur?.value.sourceMessageId && d.envelope.causationid && cur.value.sourceMessageId !== d.envelope.causationid) {
    p.log.warn({ key, causationid: d.envelope.causationid, request: cur.value.sourceMessageId }, "answer names another message as its cause; closing by request id");
  }
  await close(p, "response", d.data.requestId, d.envelope.sender, d.envelope.audience, d, true);
}
