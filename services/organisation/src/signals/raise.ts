/**
 * Signals: a municipality reports polarisation, tension, an incident or an emerging need to the
 * platform (its triage queue, where a platform coordinator decides; `escalate` asks for it to be
 * passed on) or to a neighbour, which acknowledges it (received.ts) — no personal data.
 */
import { actorRefOf, newMessageId, traceIdOf, type Actor, type ExtremismForm, type PreventionTier, type Severity, type SignalKind } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { platformOf } from "../addressing.ts";
import { orgState } from "../state.ts";
import type { SignalRecord } from "../records.ts";

export interface RaiseSignalInput {
  kind: SignalKind;
  severity: Severity;
  title: string;
  /** What was observed; no names or other personal data. */
  description: string;
  escalate?: boolean;
  preventionTier?: PreventionTier;
  extremismForms?: ExtremismForm[];
  /** Default: the platform organisation. */
  to?: string;
  /** Give the id of an earlier attempt to retry it with the same message id. */
  signalId?: string;
  /** The signed-in person raising it (on the wire as `actor`/`actorrole`); absent: the service. */
  actor?: Actor;
}

export interface RaisedSignal {
  signalId: string;
  to: string;
  messageId: string;
  traceId: string;
  duplicate: boolean;
}

/**
 * Raises a signal (to the platform unless `to` says otherwise) and records it among the
 * organisation's signals. Throws SchemaError naming each invalid field, before anything is sent.
 */
export async function raiseSignal(bus: Bus, input: RaiseSignalInput, now = new Date()): Promise<RaisedSignal> {
  const signalId = input.signalId ?? newMessageId();
  const to = input.to ?? platformOf(bus.directory);
  const data = {
    signalId, kind: input.kind, severity: input.severity, title: input.title, description: input.description, escalate: input.escalate ?? false,
    ...(input.preventionTier ? { preventionTier: input.preventionTier } : {}), ...(input.extremismForms ? { extremismForms: input.extremismForms } : {}),
  };
  const sent = await bus.publish("signal.raised", data, { to, idempotencyKey: `signal|${signalId}`, ...(input.actor ? { actor: input.actor } : {}) });
  const actor = actorRefOf(sent.envelope);
  const record: SignalRecord = {
    signalId, direction: "raised", raisedBy: bus.org, from: bus.org, to, kind: data.kind, severity: data.severity, title: data.title,
    escalate: data.escalate, at: now.toISOString(), messageId: sent.id, ...(actor ? { actor } : {}),
  };
  await (await orgState(bus)).signals.create(signalId, record);
  return { signalId, to, messageId: sent.id, traceId: traceIdOf(sent.envelope.traceparent), duplicate: sent.duplicate };
}

/** This organisation's signals — raised, received from a neighbour, forwarded to it, escalated to it by an earlier release — newest first. */
export async function signals(bus: Bus): Promise<SignalRecord[]> {
  return (await (await orgState(bus)).signals.list()).map((r) => r.value).sort((a, b) => b.at.localeCompare(a.at));
}
