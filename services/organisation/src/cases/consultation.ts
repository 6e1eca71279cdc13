/**
 * Case consultation between LIVC partners under professional secrecy: the pseudonymous case
 * reference travels in the clear, the content is sealed to the named recipients (and to the
 * sender, so it can read its own question later). Content stays sealed at rest in the
 * organisation's bucket and is opened only on request, by the organisation it is sealed to; each
 * opening is recorded in the read audit first (who, which messages, which case).
 */
import { caseLaw, newMessageId, SchakelError, traceIdOf, type Actor, type CasePurpose, type CaseContent } from "@schakel/contracts";
import { wireContext, type Bus, type Delivery, type ReadInput } from "@schakel/contracts/bus";
import { orgState, type OrgState } from "../state.ts";
import { messageRefOf, type IncomingConsultation, type OutgoingConsultation } from "../records.ts";
import { requireCase } from "./lifecycle.ts";
import { currentComposition, requireMembers } from "./membership.ts";
import { caseKeysOf } from "./case-keys.ts";
import { openContent, requireCaseKey, sealTo } from "./sealing.ts";

export interface CaseConsultationInput {
  caseRef: string;
  /** Named organisations (never groups): only they can open the content. */
  recipients: string[];
  question: string;
  notes?: string;
  respondBy?: string | Date;
  consultationId?: string;
  /** consultation (default) or follow-up. */
  purpose?: Extract<CasePurpose, "consultation" | "follow-up">;
  /** The person who asks (absent: the organisation's service). */
  actor?: Actor;
}

export interface RequestedConsultation {
  consultationId: string;
  traceId: string;
  copies: { to: string; id: string; duplicate: boolean }[];
}

/**
 * Asks named partners about a case: one sealed message per recipient, same consultation id and
 * trace. Throws SchakelError for a recipient that is not a known organisation, before sending.
 */
export async function requestCaseConsultation(bus: Bus, input: CaseConsultationInput, now = new Date()): Promise<RequestedConsultation> {
  const recipients = [...new Set(input.recipients)];
  for (const r of recipients) {
    if (!bus.directory.organisation(r)) {
      throw new SchakelError("unknown-audience", `case content is sealed to named organisations; "${r}" is not one (see "schakel orgs list")`, { recipient: r });
    }
  }
  const state = await orgState(bus);
  // Only members of the case's LIVC-R, as its current composition says, may receive its content.
  const file = await requireCase(state, input.caseRef);
  const version = await currentComposition(state, file.livc);
  requireMembers(file.livc, version, [bus.org, ...recipients]);
  const consultationId = input.consultationId ?? newMessageId();
  const sealed = sealTo(bus, { question: input.question, ...(input.notes ? { notes: input.notes } : {}) }, [...recipients, bus.org], requireCaseKey(bus, input.caseRef));
  const respondBy = input.respondBy === undefined ? undefined : new Date(input.respondBy).toISOString();
  const law = caseLaw(file.livc, version.version, input.purpose ?? "consultation");
  const data = { consultationId, caseRef: input.caseRef, recipients, ...(respondBy ? { respondBy } : {}), sealed, ...law };
  const trace = wireContext();
  const acting = input.actor ? { actor: input.actor } : {};
  for (const to of recipients) bus.prepare("case.consultation.requested", data, { to, correlationId: consultationId, trace, ...acting });
  await state.consultationsOut.create(consultationId, {
    consultationId, caseRef: input.caseRef, recipients, ...(respondBy ? { respondBy } : {}), sealed, sentAt: now.toISOString(),
    messageIds: {}, traceId: traceIdOf(trace.traceparent), responses: [],
  });
  const copies: RequestedConsultation["copies"] = [];
  for (const to of recipients) {
    const ack = await bus.publish("case.consultation.requested", data, { to, correlationId: consultationId, trace, idempotencyKey: `case|${consultationId}`, ...acting });
    copies.push({ to, id: ack.id, duplicate: ack.duplicate });
  }
  await state.consultationsOut.mutate(consultationId, (cur) => (cur ? { ...cur, messageIds: Object.fromEntries(copies.map((c) => [c.to, c.id])) } : undefined));
  return { consultationId, traceId: traceIdOf(trace.traceparent), copies };
}

/** Records a consultation addressed to this organisation, content still sealed. */
export async function receiveCaseConsultation(state: OrgState, d: Delivery<"case.consultation.requested">, now = new Date()): Promise<IncomingConsultation> {
  const { data, envelope } = d;
  const record: IncomingConsultation = {
    consultationId: data.consultationId, caseRef: data.caseRef, from: envelope.sender, recipients: data.recipients,
    ...(data.respondBy ? { respondBy: data.respondBy } : {}), sealed: data.sealed, receivedAt: now.toISOString(),
    message: messageRefOf(envelope), ...(data.livc ? { livc: data.livc } : {}), ...(data.purpose ? { purpose: data.purpose } : {}),
  };
  const c = await state.consultationsIn.create(data.consultationId, record);
  return c.created ? record : c.existing?.value ?? record;
}

/** Adds a sealed answer to a consultation this organisation asked. */
export async function receiveCaseResponse(state: OrgState, d: Delivery<"case.consultation.responded">, now = new Date()): Promise<OutgoingConsultation | undefined> {
  const { data, envelope } = d;
  const r = await state.consultationsOut.mutate(data.consultationId, (cur) =>
    cur && !cur.responses.some((x) => x.messageId === envelope.id)
      ? { ...cur, responses: [...cur.responses, { from: envelope.sender, sealed: data.sealed, receivedAt: now.toISOString(), messageId: envelope.id }] }
      : undefined);
  return r?.value;
}

/** What an organisation reads when it opens a consultation it is party to. */
export interface OpenedConsultation {
  consultationId: string;
  caseRef: string;
  direction: "incoming" | "outgoing";
  from: string;
  recipients: string[];
  content: CaseContent;
  answers: { from: string; content: CaseContent; at: string }[];
}

/** Who opens sealed case content: a person in the console or CLI, or (default) the organisation's service. */
export type CaseReader = Pick<ReadInput, "person" | "role" | "interface" | "purpose">;

const SERVICE_READER: CaseReader = { interface: "service", purpose: "open case consultation" };

/**
 * Opens a consultation as the bus's organisation: the question (and for its own consultations
 * the answers). The opening is recorded in the read audit (kind "case-content") before anything is
 * opened; a read that cannot be recorded throws, and nothing is opened. Returns undefined when no
 * such consultation reached or left this organisation; throws SchakelError("sealed") when the
 * content is not sealed to it or was altered.
 */
export async function openCaseConsultation(bus: Bus, consultationId: string, reader: CaseReader = SERVICE_READER): Promise<OpenedConsultation | undefined> {
  const state = await orgState(bus);
  const read = (caseRef: string, messageIds: string[]) => bus.recordRead({ ...reader, kind: "case-content", messageIds, caseRef });
  // Consultations of earlier releases were sealed without a case key: they open without one.
  const keyOf = (caseRef: string) => caseKeysOf(bus).get(caseRef);
  const incoming = await state.consultationsIn.get(consultationId);
  if (incoming) {
    const c = incoming.value;
    await read(c.caseRef, [c.message.id]);
    return { consultationId, caseRef: c.caseRef, direction: "incoming", from: c.from, recipients: c.recipients, content: openContent(bus, c.sealed, keyOf(c.caseRef)), answers: [] };
  }
  const outgoing = await state.consultationsOut.get(consultationId);
  if (!outgoing) return undefined;
  const c = outgoing.value;
  await read(c.caseRef, [...Object.values(c.messageIds), ...c.responses.map((r) => r.messageId)]);
  return {
    consultationId, caseRef: c.caseRef, direction: "outgoing", from: bus.org, recipients: c.recipients, content: openContent(bus, c.sealed, keyOf(c.caseRef)),
    answers: c.responses.map((r) => ({ from: r.from, content: openContent(bus, r.sealed, keyOf(c.caseRef)), at: r.receivedAt })),
  };
}

export type CaseAnswerOutcome =
  | { outcome: "answered"; consultationId: string; to: string; messageId: string }
  | { outcome: "already-answered"; consultationId: string; to: string; messageId: string }
  | { outcome: "unknown-consultation"; consultationId: string; message: string };

/** Answers a consultation addressed to this organisation, sealed to the requester (and itself). */
export async function respondToCaseConsultation(bus: Bus, input: { consultationId: string; answer: string; notes?: string; actor?: Actor }, now = new Date()): Promise<CaseAnswerOutcome> {
  const state = await orgState(bus);
  const stored = await state.consultationsIn.get(input.consultationId);
  if (!stored) {
    return { outcome: "unknown-consultation", consultationId: input.consultationId, message: `no case consultation ${input.consultationId} has reached ${bus.org}` };
  }
  const c = stored.value;
  if (c.response) return { outcome: "already-answered", consultationId: c.consultationId, to: c.from, messageId: c.response.messageId };
  // A consultation of an earlier release names no LIVC-R, so no answer could name its legal basis.
  if (!c.livc) {
    throw new SchakelError("not-allowed", `case consultation ${c.consultationId} was asked before consultations named their LIVC-R: ask ${c.from} to consult again ("schakel case consult")`, { consultationId: c.consultationId });
  }
  const version = await currentComposition(state, c.livc);
  requireMembers(c.livc, version, [bus.org, c.from]);
  const law = caseLaw(c.livc, version.version, c.purpose ?? "consultation");
  const sealed = sealTo(bus, { answer: input.answer, ...(input.notes ? { notes: input.notes } : {}) }, [c.from, bus.org], requireCaseKey(bus, c.caseRef));
  const sent = await bus.publish("case.consultation.responded", { consultationId: c.consultationId, caseRef: c.caseRef, sealed, ...law }, {
    to: c.from, inReplyTo: c.message, idempotencyKey: `case-answer|${c.consultationId}`, ...(input.actor ? { actor: input.actor } : {}),
  });
  const response = { respondedAt: now.toISOString(), messageId: sent.id };
  await state.consultationsIn.mutate(c.consultationId, (cur) => (cur && !cur.response ? { ...cur, response } : undefined));
  return { outcome: "answered", consultationId: c.consultationId, to: c.from, messageId: sent.id };
}
