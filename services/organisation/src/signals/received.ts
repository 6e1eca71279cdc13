/**
 * Signals addressed to this organisation: a neighbour's signal (`received`) and a signal the
 * platform forwarded to it after triage (`forwarded-to-us`). Both are recorded when they arrive
 * and acknowledged by a person, like a notice; a forwarded signal is also reported back on by the
 * deadline of the triage decision. Every answer carries a derived id, so a retry re-publishes the
 * same message id and a second acknowledgement or report is never sent.
 */
import { actorRefOf, SchakelError, traceIdOf, type Actor } from "@schakel/contracts";
import type { Bus, Delivery } from "@schakel/contracts/bus";
import { platformOf } from "../addressing.ts";
import { messageRefOf, type SignalRecord } from "../records.ts";
import { orgState, type OrgState } from "../state.ts";

/** Idempotency keys of this organisation's acknowledgement of, and report on, one signal. */
export const signalAcknowledgedKey = (signalId: string): string => `signal-acknowledged|${signalId}`;
export const signalReportedKey = (signalId: string): string => `signal-reported|${signalId}`;

/** Records a signal addressed to this organisation (the first copy wins; safe to repeat). */
export async function receiveSignal(state: OrgState, d: Delivery<"signal.raised">, now = new Date()): Promise<void> {
  const { data, envelope } = d;
  const actor = actorRefOf(envelope);
  await state.signals.create(data.signalId, {
    signalId: data.signalId, direction: "received", raisedBy: envelope.sender, from: envelope.sender, to: envelope.audience,
    kind: data.kind, severity: data.severity, title: data.title, escalate: data.escalate, at: now.toISOString(), messageId: envelope.id,
    description: data.description, message: messageRefOf(envelope),
    ...(data.preventionTier ? { preventionTier: data.preventionTier } : {}), ...(data.extremismForms ? { extremismForms: data.extremismForms } : {}),
    ...(actor ? { actor } : {}),
  });
}

/** Keeps an acknowledgement of a signal this organisation raised. */
export async function receiveSignalAcknowledgement(state: OrgState, d: Delivery<"signal.acknowledged">): Promise<boolean> {
  const actor = actorRefOf(d.envelope);
  const acknowledgement = {
    by: d.envelope.sender, at: d.data.acknowledgedAt, messageId: d.envelope.id, ...(d.data.remark ? { remark: d.data.remark } : {}), ...(actor ? { actor } : {}),
  };
  const kept = await state.signals.mutate(d.data.signalId, (cur) => cur && cur.direction === "raised" && !cur.acknowledgement ? { ...cur, acknowledgement } : undefined);
  return kept?.value.acknowledgement?.messageId === d.envelope.id;
}

/** Keeps a partner's report on a signal this organisation raised. */
export async function receiveSignalReport(state: OrgState, d: Delivery<"signal.reported">): Promise<boolean> {
  const actor = actorRefOf(d.envelope);
  const reportBack = { by: d.envelope.sender, outcome: d.data.outcome, at: d.data.reportedAt, messageId: d.envelope.id, ...(actor ? { actor } : {}) };
  const kept = await state.signals.mutate(d.data.signalId, (cur) => cur && cur.direction === "raised" && !cur.reportBack ? { ...cur, reportBack } : undefined);
  return kept?.value.reportBack?.messageId === d.envelope.id;
}

export interface AcknowledgeSignalInput {
  signalId: string;
  remark?: string;
  /** The signed-in person acknowledging (on the wire as `actor`/`actorrole`); absent: the service. */
  actor?: Actor;
}

export type AcknowledgeSignalOutcome =
  | { outcome: "acknowledged" | "already-acknowledged"; signalId: string; to: string; acknowledgedAt: string; messageId: string; traceId?: string }
  | { outcome: "unknown-signal"; signalId: string; message: string };

async function addressedSignal(bus: Bus, signalId: string): Promise<SignalRecord | undefined> {
  const r = await (await orgState(bus)).signals.get(signalId);
  return r && (r.value.direction === "received" || r.value.direction === "forwarded-to-us") ? r.value : undefined;
}

/**
 * Acknowledges a signal addressed to this organisation (to its raiser) or forwarded to it (to the
 * platform, which closes the obligation). Acknowledging twice sends nothing new; an id this
 * organisation's service has not recorded is the outcome `unknown-signal`.
 */
export async function acknowledgeSignal(bus: Bus, input: AcknowledgeSignalInput, now = new Date()): Promise<AcknowledgeSignalOutcome> {
  const signal = await addressedSignal(bus, input.signalId);
  if (!signal) {
    return { outcome: "unknown-signal", signalId: input.signalId, message: `no signal ${input.signalId} addressed or forwarded to ${bus.org} is recorded: check the id (schakel signal list --as ${bus.org}), or wait for ${bus.org}'s service to record it` };
  }
  const to = signal.direction === "received" ? signal.from : platformOf(bus.directory);
  if (signal.acknowledgement) return { outcome: "already-acknowledged", signalId: signal.signalId, to, acknowledgedAt: signal.acknowledgement.at, messageId: signal.acknowledgement.messageId };
  const acknowledgedAt = now.toISOString();
  const sent = await bus.publish("signal.acknowledged", { signalId: signal.signalId, recipient: bus.org, acknowledgedAt, ...(input.remark ? { remark: input.remark } : {}) }, {
    to, idempotencyKey: signalAcknowledgedKey(signal.signalId), ...(signal.message ? { inReplyTo: signal.message } : {}), ...(input.actor ? { actor: input.actor } : {}),
  });
  const actor = actorRefOf(sent.envelope);
  const acknowledgement = { by: bus.org, at: acknowledgedAt, messageId: sent.id, ...(input.remark ? { remark: input.remark } : {}), ...(actor ? { actor } : {}) };
  await (await orgState(bus)).signals.mutate(signal.signalId, (cur) => cur && !cur.acknowledgement ? { ...cur, acknowledgement } : undefined);
  return { outcome: sent.duplicate ? "already-acknowledged" : "acknowledged", signalId: signal.signalId, to, acknowledgedAt, messageId: sent.id, traceId: traceIdOf(sent.envelope.traceparent) };
}

export interface ReportBackInput {
  signalId: string;
  /** What the partner did; no names or other personal data. */
  outcome: string;
  by?: string;
  actor?: Actor;
}

export interface ReportedBack {
  signalId: string;
  to: string[];
  messageIds: string[];
  duplicate: boolean;
}

/**
 * Reports back on a signal the platform forwarded to this organisation: to the platform (which
 * closes the report-back obligation) and to the raiser. Throws SchakelError `not-found` when no
 * such signal was forwarded here, SchemaError when the outcome is empty or too long.
 */
export async function reportBackOnSignal(bus: Bus, input: ReportBackInput, now = new Date()): Promise<ReportedBack> {
  const signal = await addressedSignal(bus, input.signalId);
  if (!signal || signal.direction !== "forwarded-to-us") {
    throw new SchakelError("not-found", `no signal ${input.signalId} was forwarded to ${bus.org}: only the partner named in a triage decision reports back (schakel signal list --as ${bus.org})`, { signalId: input.signalId });
  }
  const platform = platformOf(bus.directory);
  const data = { signalId: signal.signalId, partner: bus.org, outcome: input.outcome, reportedAt: now.toISOString(), ...(input.by ? { by: input.by } : {}) };
  const out: ReportedBack = { signalId: signal.signalId, to: [], messageIds: [], duplicate: false };
  for (const to of [...new Set([platform, signal.raisedBy])]) {
    const sent = await bus.publish("signal.reported", data, {
      to, idempotencyKey: `${signalReportedKey(signal.signalId)}|${to}`, ...(signal.message ? { inReplyTo: signal.message } : {}), ...(input.actor ? { actor: input.actor } : {}),
    });
    out.to.push(to);
    out.messageIds.push(sent.id);
    out.duplicate ||= sent.duplicate;
    if (to === platform) {
      const actor = actorRefOf(sent.envelope);
      const reportBack = { by: bus.org, outcome: input.outcome, at: data.reportedAt, messageId: sent.id, ...(actor ? { actor } : {}) };
      await (await orgState(bus)).signals.mutate(signal.signalId, (cur) => cur && !cur.reportBack ? { ...cur, reportBack } : undefined);
    }
  }
  return out;
}
