/**
 * The raiser's answer when a platform coordinator asks for more information about its signal
 * (triage decision `ask-info`): one signed `signal.info.provided` to the platform, answering that
 * decision. The platform adds the information to the queue item, which returns to `open` for the
 * coordinator. One answer per question: a second run sends nothing new (derived id), and the
 * coordinator asks again when more is needed.
 */
import { actorRefOf, SchakelError, traceIdOf, type Actor } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { platformOf } from "../addressing.ts";
import { orgState } from "../state.ts";

/** Idempotency key of this organisation's answer to one ask-info decision. */
export const signalInfoKey = (decisionId: string): string => `signal-info|${decisionId}`;

export interface ProvideSignalInfoInput {
  signalId: string;
  /** What the platform asked for; no names or other personal data. */
  information: string;
  /** The signed-in person answering (on the wire as `actor`/`actorrole`); absent: the service. */
  actor?: Actor;
}

export interface ProvidedSignalInfo {
  signalId: string;
  /** The ask-info decision answered. */
  decisionId: string;
  to: string;
  messageId: string;
  traceId: string;
  /** True when this question was answered before (nothing new was sent). */
  duplicate: boolean;
}

/**
 * Answers the platform's latest request for information about a signal this organisation raised.
 * Throws SchakelError `not-found` (no such signal raised here), `not-allowed` (the platform has
 * not asked for information, or a later decision followed), SchemaError (the information) — all
 * before anything is sent.
 */
export async function provideSignalInformation(bus: Bus, input: ProvideSignalInfoInput, now = new Date()): Promise<ProvidedSignalInfo> {
  const state = await orgState(bus);
  const signal = (await state.signals.get(input.signalId))?.value;
  if (!signal || signal.direction !== "raised") {
    throw new SchakelError("not-found", `${bus.org} raised no signal ${input.signalId}: only the raiser answers the platform's question (schakel signal list --as ${bus.org})`, { signalId: input.signalId });
  }
  const last = signal.routing?.at(-1);
  if (!last || last.decision !== "ask-info") {
    const now_ = last ? `its latest decision is ${last.decision}` : "it has decided nothing yet";
    throw new SchakelError("not-allowed", `the platform has not asked for information about signal ${signal.signalId} (${now_}): answer when a platform coordinator asks (decision ask-info)`, { signalId: signal.signalId, decision: last?.decision ?? null });
  }
  const platform = platformOf(bus.directory);
  const data = { signalId: signal.signalId, decisionId: last.decisionId, raisedBy: bus.org, information: input.information, providedAt: now.toISOString() };
  const sent = await bus.publish("signal.info.provided", data, {
    to: platform, idempotencyKey: signalInfoKey(last.decisionId), ...(last.message ? { inReplyTo: last.message } : {}), ...(input.actor ? { actor: input.actor } : {}),
  });
  const actor = actorRefOf(sent.envelope);
  const record = { decisionId: last.decisionId, information: input.information, at: data.providedAt, messageId: sent.id, ...(actor ? { actor } : {}) };
  await state.signals.mutate(signal.signalId, (cur) => cur && !cur.information?.some((i) => i.decisionId === last.decisionId) ? { ...cur, information: [...(cur.information ?? []), record] } : undefined);
  return { signalId: signal.signalId, decisionId: last.decisionId, to: platform, messageId: sent.id, traceId: traceIdOf(sent.envelope.traceparent), duplicate: sent.duplicate };
}
