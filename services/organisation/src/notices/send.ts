/**
 * The sender side of a notice: post it to one or several audiences (one message per audience,
 * same `noticeId`, one trace), keeping a record of what it posted. The receipts that come back
 * are addressed to the sender: its feed holds them and `recipientStatuses` (status.ts) folds them,
 * so the record does not follow them.
 */
import {
  actorRefOf, newMessageId, PersonDetails, SchakelError, traceIdOf, type Actor, type ExtremismForm, type NoticeCategory, type PreventionTier,
} from "@schakel/contracts";
import { seal, startFlowSpan, type Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import type { SentNotice } from "../records.ts";

export interface PostNoticeInput {
  /** Organisations and/or groups (all, local, flemish, federal, supralocal). */
  to: string[];
  title: string;
  body: string;
  category: NoticeCategory;
  /** Deadline for each recipient's acknowledgement; implies `ackRequired`. */
  ackBy?: string | Date;
  ackRequired?: boolean;
  preventionTier?: PreventionTier;
  extremismForms?: ExtremismForm[];
  caseRef?: string;
  /** Give the id of an earlier attempt to retry it: every copy then keeps its message id. */
  noticeId?: string;
  /** The signed-in person posting (on every copy as `actor`/`actorrole`); absent: the service. */
  actor?: Actor;
  /**
   * A notice about a person (a detainee's release): the details, sealed to the municipality of
   * residence alone on its copy (it must be one of `to`), redacted on every other copy.
   */
  person?: { residence: string; details: PersonDetails };
}

export interface PostedNotice {
  noticeId: string;
  traceId: string;
  /** The JetStream ack of each audience's copy. */
  copies: { audience: string; id: string; stream: string; seq: number; duplicate: boolean }[];
}

export const noticeKey = (noticeId: string): string => `notice|${noticeId}`;

/**
 * Posts a notice: validates every copy before sending any, records it among the organisation's
 * sent notices (a retry with the same `noticeId` keeps the first attempt's trace; `notice status`
 * reads whom it was for and by when), then publishes one message per audience with the same
 * `noticeId`, correlation id and trace. Throws SchemaError (field by field), SchakelError
 * `unknown-audience` / `not-allowed`, or `schema` when `ackBy` is not in the future.
 */
export async function postNotice(bus: Bus, input: PostNoticeInput, now = new Date()): Promise<PostedNotice> {
  const audiences = [...new Set(input.to)];
  if (!audiences.length) throw new SchakelError("schema", "a notice needs at least one audience in \"to\"", { field: "to" });
  const ackBy = input.ackBy === undefined ? undefined : new Date(input.ackBy);
  if (ackBy && !(ackBy.getTime() > now.getTime())) {
    throw new SchakelError("schema", `ackBy ${input.ackBy instanceof Date ? input.ackBy.toISOString() : input.ackBy} is not a moment in the future; give a deadline after ${now.toISOString()}`, { field: "ackBy" });
  }
  const noticeId = input.noticeId ?? newMessageId();
  const data = {
    noticeId,
    title: input.title,
    body: input.body,
    category: input.category,
    recipients: audiences,
    ackRequired: input.ackRequired ?? ackBy !== undefined,
    ...(ackBy ? { ackBy: ackBy.toISOString() } : {}),
    ...(input.preventionTier ? { preventionTier: input.preventionTier } : {}),
    ...(input.extremismForms ? { extremismForms: input.extremismForms } : {}),
    ...(input.caseRef ? { caseRef: input.caseRef } : {}),
  };
  const copyData = personalCopies(bus, audiences, input.person);
  // One span for the posting: every copy, and everything answering them, descends from it.
  const flow = startFlowSpan("post notice", { "schakel.notice.id": noticeId, "schakel.sender": bus.org });
  const trace = flow.wire;
  // Every copy is validated before the first one leaves, so a bad audience sends nothing.
  const acting = input.actor ? { actor: input.actor } : {};
  const first = audiences.map((to) => bus.prepare("notice.posted", { ...data, ...copyData(to) }, { to, correlationId: noticeId, trace, ...acting }))[0];
  const actor = first ? actorRefOf(first.envelope) : undefined;
  const state = await orgState(bus);
  const record: SentNotice = {
    noticeId, title: input.title, category: input.category, audiences, ...(data.ackBy ? { ackBy: data.ackBy } : {}),
    postedAt: now.toISOString(), traceId: traceIdOf(trace.traceparent), messageIds: {}, deliveries: {}, acknowledgements: {}, ...(actor ? { actor } : {}),
  };
  const created = await state.sent.create(noticeId, record);
  const traceId = created.created ? record.traceId : created.existing?.value.traceId ?? record.traceId;
  const retryTrace = created.created ? trace : { traceparent: `00-${traceId}-${trace.traceparent.slice(36)}` };
  const copies: PostedNotice["copies"] = [];
  try {
    for (const to of audiences) {
      const ack = await bus.publish("notice.posted", { ...data, ...copyData(to) }, { to, correlationId: noticeId, trace: retryTrace, idempotencyKey: noticeKey(noticeId), ...acting });
      copies.push({ audience: to, id: ack.id, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate });
    }
  } finally {
    flow.end();
  }
  await state.sent.mutate(noticeId, (cur) => (cur ? { ...cur, messageIds: { ...cur.messageIds, ...Object.fromEntries(copies.map((c) => [c.audience, c.id])) } } : undefined));
  return { noticeId, traceId, copies };
}

/**
 * The purpose-bound part of each copy: the person's details sealed to the municipality of
 * residence on its own copy, the redaction marker on every other (purpose-bound.ts).
 */
function personalCopies(bus: Bus, audiences: string[], person: PostNoticeInput["person"]): (to: string) => Record<string, unknown> {
  if (!person) return () => ({});
  const { residence } = person;
  if (!bus.directory.organisation(residence)?.roles.includes("municipality") || !audiences.includes(residence)) {
    throw new SchakelError("schema", `a notice about a person is addressed to the municipality of residence itself: "${residence}" must be a municipality named in "to" (the details open only for it)`, { field: "residence" });
  }
  const purposes = ["consultation", "follow-up"] as const;
  const sealed = seal(PersonDetails.parse(person.details), [{ org: residence, key: bus.directory.sealingKeyOf(residence) }]);
  return (to) => ({ residence, person: to === residence ? { purposes: [...purposes], sealed } : { purposes: [...purposes], redacted: true as const } });
}

/** A notice this organisation posted (what, to whom, by when, its trace); undefined if unknown. */
export async function sentNotice(bus: Bus, noticeId: string): Promise<SentNotice | undefined> {
  return (await (await orgState(bus)).sent.get(noticeId))?.value;
}
