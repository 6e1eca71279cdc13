/**
 * Obligations: a notice that must be acknowledged by a deadline makes one obligation per
 * recipient organisation (groups such as `local` expanded through the key directory); a
 * coordination request with `respondBy` makes one per addressed organisation; a case's follow-up
 * plan makes one per task, owed by its owner to the case's municipality. The matching
 * acknowledgement, answer or task report closes it (closing the case ends its tasks). Opening and closing are idempotent, and a closing message
 * processed before its opening one leaves a closed placeholder, so the obligation never opens.
 */
import type { Delivery } from "@schakel/contracts/bus";
import type { ObligationKind } from "@schakel/contracts";
import { messageRefOf, recipientsOf } from "@schakel/organisation";
import type { PlatformContext } from "./context.ts";
import { obligationKey, obligationsOfFilter, type Obligation } from "./records.ts";

export interface Opening {
  kind: ObligationKind;
  reference: string;
  owedTo: string;
  deadline: string;
  title: string;
  envelope: Delivery["envelope"];
  caseRef?: string;
}

/** Opens `owedBy`'s obligation (idempotent; a closed placeholder stays closed). */
export async function openObligation(p: PlatformContext, o: Opening, owedBy: string, now: string): Promise<void> {
  const key = obligationKey(o.kind, o.reference, owedBy);
  const details = { deadline: o.deadline, title: o.title, sourceMessageId: o.envelope.id, source: messageRefOf(o.envelope), ...(o.caseRef ? { caseRef: o.caseRef } : {}) };
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
  for (const org of owedBy) await openObligation(p, o, org, now);
  return owedBy.length;
}

/** A coordination request with `respondBy` obliges every organisation its audience reaches. */
export async function openResponseObligations(p: PlatformContext, d: Delivery<"coordination.requested">): Promise<number> {
  const { data, envelope } = d;
  if (!data.respondBy) return 0;
  const owedBy = recipientsOf(p.directory, envelope.audience, envelope.sender);
  const now = d.storedAt.toISOString();
  const o: Opening = { kind: "response", reference: data.requestId, owedTo: envelope.sender, deadline: data.respondBy, title: data.topic, envelope };
  for (const org of owedBy) await openObligation(p, o, org, now);
  return owedBy.length;
}

/** Closes `owedBy`'s obligation (idempotent); `placeholder`: leave a closed record when none is open yet. */
export async function closeObligation(p: PlatformContext, kind: ObligationKind, reference: string, owedBy: string, owedTo: string, d: Delivery, placeholder: boolean): Promise<void> {
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
  await closeObligation(p, "acknowledgement", d.data.noticeId, d.envelope.sender, d.envelope.audience, d, !noticeSeen);
}

/** An answer closes the responder's obligation for that request (matched by request id; causation id logged when it differs). */
export async function closeResponseObligation(p: PlatformContext, d: Delivery<"coordination.responded">): Promise<void> {
  const key = obligationKey("response", d.data.requestId, d.envelope.sender);
  const cur = await p.stores.obligations.get(key);
  if (cur?.value.sourceMessageId && d.envelope.causationid && cur.value.sourceMessageId !== d.envelope.causationid) {
    p.log.warn({ key, causationid: d.envelope.causationid, request: cur.value.sourceMessageId }, "answer names another message as its cause; closing by request id");
  }
  await closeObligation(p, "response", d.data.requestId, d.envelope.sender, d.envelope.audience, d, true);
}

/**
 * A case plan obliges each task's owner to report back by the task's deadline. A newer plan
 * version opens its own tasks; the platform sees only the metadata (owners and deadlines).
 */
export async function openCaseTaskObligations(p: PlatformContext, d: Delivery<"case.plan.set">): Promise<number> {
  const { data, envelope } = d;
  const now = d.storedAt.toISOString();
  for (const t of data.tasks) {
    await openObligation(p, { kind: "case-task", reference: t.taskId, owedTo: data.livc, deadline: t.dueBy, title: "case follow-up task", envelope, caseRef: data.caseRef }, t.owner, now);
  }
  return data.tasks.length;
}

/** A task report closes its owner's obligation (a report before its plan leaves a closed placeholder). */
export async function closeCaseTaskObligation(p: PlatformContext, d: Delivery<"case.task.reported">): Promise<void> {
  await closeObligation(p, "case-task", d.data.taskId, d.envelope.sender, d.data.livc, d, true);
}

/** Closing or erasing a case ends the open obligations of its tasks (nothing is owed on a closed case). */
export async function endCaseTaskObligations(p: PlatformContext, d: Delivery<"case.closed"> | Delivery<"case.erased">): Promise<number> {
  const open = (await p.stores.obligations.list(obligationsOfFilter("case-task", "*")))
    .map((s) => s.value)
    .filter((o) => o.caseRef === d.data.caseRef && !o.closedAt);
  for (const o of open) await closeObligation(p, "case-task", o.reference, o.owedBy, o.owedTo, d, false);
  return open.length;
}
