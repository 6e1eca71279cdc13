/**
 * Coordination between levels: ask another organisation or level to align, inform or act, and
 * answer such a request. The answer is published as a reply to the request, so its causation id
 * is the request's message id and both share one trace.
 */
import { actorRefOf, newMessageId, traceIdOf, type Actor, type COORDINATION_OUTCOMES, type CoordinationAsk, type DataOf, type Envelope, type PreventionTier } from "@schakel/contracts";
import { wireContext, type Bus, type Delivery } from "@schakel/contracts/bus";
import { keepAnswer, recordedOrInFeed } from "../addressed-in-feed.ts";
import { orgState, type OrgState } from "../state.ts";
import { messageRefOf, type IncomingRequest, type OutgoingRequest } from "../records.ts";

export interface CoordinationRequestInput {
  /** An organisation or a group. */
  to: string;
  ask: CoordinationAsk;
  topic: string;
  body: string;
  respondBy?: string | Date;
  preventionTier?: PreventionTier;
  /** Give the id of an earlier attempt to retry it with the same message id. */
  requestId?: string;
  /** The signed-in person asking (on the wire as `actor`/`actorrole`); absent: the service. */
  actor?: Actor;
}

export interface RequestedCoordination {
  requestId: string;
  messageId: string;
  traceId: string;
  duplicate: boolean;
}

export const requestKey = (requestId: string): string => `request|${requestId}`;
export const respondKey = (requestId: string): string => `respond|${requestId}`;

/**
 * Sends `coordination.requested` and records it, so the answers are matched to it. Throws
 * SchemaError / SchakelError (unknown audience, not allowed) before anything is sent.
 */
export async function requestCoordination(bus: Bus, input: CoordinationRequestInput, now = new Date()): Promise<RequestedCoordination> {
  const requestId = input.requestId ?? newMessageId();
  const respondBy = input.respondBy === undefined ? undefined : new Date(input.respondBy).toISOString();
  const data = {
    requestId, ask: input.ask, topic: input.topic, body: input.body,
    ...(respondBy ? { respondBy } : {}), ...(input.preventionTier ? { preventionTier: input.preventionTier } : {}),
  };
  const trace = wireContext();
  const opts = { to: input.to, idempotencyKey: requestKey(requestId), trace, ...(input.actor ? { actor: input.actor } : {}) };
  const out = bus.prepare("coordination.requested", data, opts);
  const actor = actorRefOf(out.envelope);
  const state = await orgState(bus);
  // Recorded before sending: an answer may arrive before this function returns.
  await state.requestsOut.create(requestId, {
    requestId, to: input.to, ask: input.ask, topic: input.topic, ...(respondBy ? { respondBy } : {}),
    sentAt: now.toISOString(), messageId: out.envelope.id, traceId: traceIdOf(out.envelope.traceparent), ...(actor ? { actor } : {}), responses: [],
  });
  const sent = await bus.publish("coordination.requested", data, opts);
  return { requestId, messageId: sent.id, traceId: traceIdOf(sent.envelope.traceparent), duplicate: sent.duplicate };
}

/** The record of a request as it reached this organisation (from its delivery or from its feed). */
function incomingRequestOf(envelope: Envelope, data: DataOf<"coordination.requested">, now: Date): IncomingRequest {
  return {
    requestId: data.requestId, from: envelope.sender, audience: envelope.audience, ask: data.ask, topic: data.topic, body: data.body,
    ...(data.respondBy ? { respondBy: data.respondBy } : {}), receivedAt: now.toISOString(),
    message: messageRefOf(envelope),
  };
}

/** Records a request addressed to this organisation (first copy wins). */
export async function receiveCoordinationRequest(state: OrgState, d: Delivery<"coordination.requested">, now = new Date()): Promise<IncomingRequest> {
  const record = incomingRequestOf(d.envelope, d.data, now);
  const c = await state.requestsIn.create(d.data.requestId, record);
  return c.created ? record : c.existing?.value ?? record;
}

export interface CoordinationAnswerInput {
  requestId: string;
  outcome: (typeof COORDINATION_OUTCOMES)[number];
  body: string;
  /** The signed-in person answering (on the wire as `actor`/`actorrole`); absent: the service. */
  actor?: Actor;
}

export type RespondOutcome =
  | { outcome: "responded"; requestId: string; to: string; messageId: string; causationId: string; traceId: string }
  | { outcome: "already-responded"; requestId: string; to: string; messageId: string }
  | { outcome: "unknown-request"; requestId: string; message: string };

/**
 * Answers a coordination request that reached the bus's organisation, as a reply to it
 * (causation id = the request's message id), then records the answer. The request comes from the
 * organisation's record, or else from its feed (the one answering path, as for acknowledgements).
 * Answering twice sends nothing new; an id addressed to no copy this organisation can read is the
 * outcome `unknown-request`. Throws FeedSlotsInUseError when the feed is needed and every slot is taken.
 */
export async function respondToCoordination(bus: Bus, input: CoordinationAnswerInput, now = new Date()): Promise<RespondOutcome> {
  const state = await orgState(bus);
  const found = await recordedOrInFeed(state.requestsIn, bus, "coordination.requested", input.requestId, (e, d) => incomingRequestOf(e, d, now));
  if (!found) {
    return {
      outcome: "unknown-request", requestId: input.requestId,
      message: `no coordination request ${input.requestId} has reached ${bus.org}: no copy addressed to it is in its feed; check the id (schakel feed --as ${bus.org} --type coordination.requested)`,
    };
  }
  const req = found.record;
  if (req.response) return { outcome: "already-responded", requestId: req.requestId, to: req.from, messageId: req.response.messageId };
  const sent = await bus.publish("coordination.responded", { requestId: req.requestId, outcome: input.outcome, body: input.body }, {
    to: req.from, inReplyTo: req.message, idempotencyKey: respondKey(req.requestId), ...(input.actor ? { actor: input.actor } : {}),
  });
  const actor = actorRefOf(sent.envelope);
  const response = { from: bus.org, outcome: input.outcome, body: input.body, respondedAt: now.toISOString(), messageId: sent.id, ...(actor ? { actor } : {}) };
  await keepAnswer(state.requestsIn, req.requestId, found, { response });
  // A duplicate: an earlier answer with the same derived id that no record knew of.
  if (sent.duplicate) return { outcome: "already-responded", requestId: req.requestId, to: req.from, messageId: sent.id };
  return { outcome: "responded", requestId: req.requestId, to: req.from, messageId: sent.id, causationId: req.message.id, traceId: traceIdOf(sent.envelope.traceparent) };
}

/** Adds an answer to a request this organisation sent; unknown requests are left alone. */
export async function receiveCoordinationResponse(state: OrgState, d: Delivery<"coordination.responded">): Promise<OutgoingRequest | undefined> {
  const { data, envelope } = d;
  const actor = actorRefOf(envelope);
  const answer = {
    from: envelope.sender, outcome: data.outcome, body: data.body, respondedAt: envelope.time, messageId: envelope.id,
    ...(envelope.causationid ? { causationId: envelope.causationid } : {}), ...(actor ? { actor } : {}),
  };
  const r = await state.requestsOut.mutate(data.requestId, (cur) =>
    cur && !cur.responses.some((x) => x.messageId === envelope.id || x.from === envelope.sender) ? { ...cur, responses: [...cur.responses, answer] } : undefined);
  return r?.value;
}

/** Requests this organisation sent, newest first, with their answers. */
export async function outgoingRequests(bus: Bus): Promise<OutgoingRequest[]> {
  return (await (await orgState(bus)).requestsOut.list()).map((r) => r.value).sort((a, b) => b.sentAt.localeCompare(a.sentAt));
}

/** Requests addressed to this organisation, newest first; `open` keeps the unanswered ones. */
export async function incomingRequests(bus: Bus, opts: { open?: boolean } = {}): Promise<IncomingRequest[]> {
  const all = (await (await orgState(bus)).requestsIn.list()).map((r) => r.value);
  return all.filter((r) => !opts.open || !r.response).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}
