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
import { recipientsOf } from "../addressing.ts";
import { expandNearbyAudiences } from "./addressing-neighbours.ts";
import { latestVersion } from "../livc/composition.ts";
import { orgState, type OrgState } from "../state.ts";
import type { SentNotice } from "../records.ts";

export interface PostNoticeInput {
  /** Organisations and/or groups (all, local, flemish, federal, supralocal), `neighbours` or `province:<province>`. */
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
   * A notice about a person (a detainee's release): the details, sealed on the copy of the
   * municipality of residence (it must be one of `to`) and on the copy of each member of its LIVC-R
   * named in `to` (per the latest composition this organisation holds), redacted on every other.
   */
  person?: { residence: string; details: PersonDetails };
}

/** Whom a notice's person's details were sealed to, and what kept them from others. */
export interface PersonSealing {
  residence: string;
  /** The audiences whose copy holds the details (the residence first); every other copy holds the redaction marker. */
  sealedTo: string[];
  /** The composition version of the residence's LIVC-R the members were taken from (absent: none held). */
  compositionVersion?: number;
  /** What the sender should know: no composition held (sealed to the residence alone), members reached only through a group. */
  warnings: string[];
}

export interface PostedNotice {
  noticeId: string;
  traceId: string;
  /** The JetStream ack of each audience's copy. */
  copies: { audience: string; id: string; stream: string; seq: number; duplicate: boolean }[];
  /** A notice about a person: whom its details were sealed to. */
  person?: PersonSealing;
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
  // `neighbours` and `province:<p>` become the municipalities they stand for (addressing-neighbours.ts).
  const audiences = expandNearbyAudiences(bus.directory, bus.org, input.to);
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
  const state = await orgState(bus);
  const personal = await personalCopies(bus, state, audiences, input.person);
  const copyData = personal.copy;
  // One span for the posting: every copy, and everything answering them, descends from it.
  const flow = startFlowSpan("post notice", { "schakel.notice.id": noticeId, "schakel.sender": bus.org });
  const trace = flow.wire;
  // Every copy is validated before the first one leaves, so a bad audience sends nothing.
  const acting = input.actor ? { actor: input.actor } : {};
  const first = audiences.map((to) => bus.prepare("notice.posted", { ...data, ...copyData(to) }, { to, correlationId: noticeId, trace, ...acting }))[0];
  const actor = first ? actorRefOf(first.envelope) : undefined;
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
  return { noticeId, traceId, copies, ...(personal.sealing ? { person: personal.sealing } : {}) };
}

/**
 * The purpose-bound part of each copy: the person's details sealed on the copy of the municipality
 * of residence (to it) and on the copy of each current member of its LIVC-R that the notice
 * addresses by name (to the residence and that member), the redaction marker on every other copy
 * (purpose-bound.ts). The members are those of the latest composition this organisation holds; it
 * holds none when the municipality set it before notice senders received compositions, and then
 * the details are sealed to the residence alone, with a warning saying so.
 */
async function personalCopies(bus: Bus, state: OrgState, audiences: string[], person: PostNoticeInput["person"]): Promise<{ copy: (to: string) => Record<string, unknown>; sealing?: PersonSealing }> {
  if (!person) return { copy: () => ({}) };
  const { residence } = person;
  if (!bus.directory.organisation(residence)?.roles.includes("municipality") || !audiences.includes(residence)) {
    throw new SchakelError("schema", `a notice about a person is addressed to the municipality of residence itself: "${residence}" must be a municipality named in "to" (the details open only for it and the members of its LIVC-R)`, { field: "residence" });
  }
  const details = PersonDetails.parse(person.details);
  const composition = (await state.livc.get(residence))?.value;
  const version = composition ? latestVersion(composition) : undefined;
  const members = (version?.members ?? []).map((m) => m.org).filter((org) => org !== residence && org !== bus.org);
  const warnings: string[] = [];
  if (!version) {
    warnings.push(`"${bus.org}" holds no composition of the LIVC-R of ${residence}: the details are sealed to ${residence} alone; the members receive them once ${residence} sets its composition again ("schakel livc set") and the notice is posted anew`);
  }
  const sealedTo = [residence, ...members.filter((m) => audiences.includes(m))];
  const viaGroup = members.filter((m) => !sealedTo.includes(m) && recipientsOf(bus.directory, audiences, bus.org).includes(m));
  if (viaGroup.length) {
    warnings.push(`${viaGroup.join(", ")} (LIVC-R of ${residence}) ${viaGroup.length === 1 ? "is" : "are"} reached only through a group: a group's copy holds the redaction marker; name ${viaGroup.length === 1 ? "it" : "them"} in "to" to give ${viaGroup.length === 1 ? "it" : "them"} the details`);
  }
  const purposes = ["consultation", "follow-up"] as const;
  const residenceKey = { org: residence, key: bus.directory.sealingKeyOf(residence) };
  // Each entitled copy is sealed on its own: to the residence, and to the member it is for.
  const sealed = new Map(sealedTo.map((to) => [to, seal(details, to === residence ? [residenceKey] : [residenceKey, { org: to, key: bus.directory.sealingKeyOf(to) }])]));
  return {
    copy: (to) => {
      const value = sealed.get(to);
      return { residence, person: value ? { purposes: [...purposes], sealed: value } : { purposes: [...purposes], redacted: true as const } };
    },
    sealing: { residence, sealedTo, ...(version ? { compositionVersion: version.version } : {}), warnings },
  };
}

/** A notice this organisation posted (what, to whom, by when, its trace); undefined if unknown. */
export async function sentNotice(bus: Bus, noticeId: string): Promise<SentNotice | undefined> {
  return (await (await orgState(bus)).sent.get(noticeId))?.value;
}
