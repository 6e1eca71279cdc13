/**
 * The triage loop. A platform coordinator decides on a signal in the queue — forward it to a named
 * partner, keep and monitor it, ask the raiser for more information, or close it — always with a
 * reason. The decision is one signed `signal.triaged`, sent to the raiser (its routing status)
 * and, for a forward, to the partner (the signal itself, with the deadlines). The platform reads
 * the decision back: it updates the queue and, for a forward, opens the partner's two
 * obligations (acknowledge, then report back), escalated like a notice's when missed. Only a
 * platform coordinator decides: the library refuses anyone else before sending, and every reader
 * refuses a decision without that person role (`requireCoordinatorDecision`).
 */
import { actorRefOf, MessageId, newMessageId, SchakelError, type Actor, type TriageDecision } from "@schakel/contracts";
import { HandlerRefusal, type Bus, type Delivery } from "@schakel/contracts/bus";
import { platformOf, requireCoordinatorDecision, triageDecisionOf, TRIAGE_ROLE } from "@schakel/organisation";
import type { PlatformContext } from "./context.ts";
import { closeObligation, openObligation } from "./obligations.ts";
import { openPlatformStores, type PlatformStores } from "./stores.ts";
import { signalRecords, withDecision, withInformation, type TriageDecisionRecord, type TriageItem } from "./triage-records.ts";

/** Default time a partner gets to acknowledge (2 days) and to report back (14 days) on a forwarded signal. */
export const TRIAGE_DEFAULTS = { acknowledgeMs: 2 * 86_400_000, reportBackMs: 14 * 86_400_000 } as const;

export interface TriageInput {
  signalId: string;
  decision: TriageDecision;
  reason: string;
  /** forward: the organisation that takes the signal up. */
  partner?: string;
  acknowledgeBy?: Date;
  reportBackBy?: Date;
  /** The platform coordinator deciding; required. */
  actor?: Actor;
}

export interface TriageOutcome {
  signalId: string;
  decisionId: string;
  decision: TriageDecision;
  state: TriageItem["state"];
  /** Who received the decision: the raiser, and the partner for a forward. */
  to: string[];
  messageIds: string[];
  partner?: string;
  acknowledgeBy?: string;
  reportBackBy?: string;
}

const notAllowed = (message: string, details: Record<string, unknown>) => new SchakelError("not-allowed", message, details);

/** The triage item of a signal to the platform. @throws SchakelError not-found, not-allowed */
export async function requireQueued(stores: Pick<PlatformStores, "deliveries">, signalId: string, platform: string): Promise<TriageItem> {
  const item = (await signalRecords(stores).get(signalId))?.value;
  if (!item) {
    throw new SchakelError("not-found", `no signal ${signalId} in ${platform}'s triage queue: check the id (schakel signal list --as ${platform}), or wait for the platform's service to read it`, { signalId });
  }
  if (item.route !== "platform") {
    throw notAllowed(`signal ${signalId} was addressed to ${item.to}, not to the platform: only signals to the platform are triaged`, { signalId, to: item.to });
  }
  return item;
}

/**
 * Decides on a signal in the triage queue, as the platform (`bus` connected as the platform
 * organisation) and for the platform coordinator `input.actor`. Throws SchakelError
 * `not-allowed` (no coordinator, not the platform, a closed signal, a partner that is the raiser
 * or the platform), `not-found` (no such signal), `unknown-organisation` (partner), and
 * SchemaError (reason) — all before anything is sent.
 */
export async function triageSignal(bus: Bus, input: TriageInput, now = new Date()): Promise<TriageOutcome> {
  const platform = platformOf(bus.directory);
  if (bus.org !== platform) throw notAllowed(`${bus.org} cannot triage signals: only the platform (${platform}) keeps the triage queue`, { org: bus.org });
  if (!input.actor || input.actor.role !== TRIAGE_ROLE) {
    const who = input.actor ? `${input.actor.person} acts as ${input.actor.role}` : "no person is acting";
    throw notAllowed(`only a platform coordinator decides on a signal, and ${who}: sign in as a person of ${platform} with the role ${TRIAGE_ROLE}`, { actor: input.actor ?? null });
  }
  if (!MessageId.safeParse(input.signalId).success) throw new SchakelError("schema", `signalId "${input.signalId}" is not a signal id (a lower-case UUID, as signal list prints it)`, { field: "signalId" });
  const stores = await openPlatformStores(bus);
  const item = await requireQueued(stores, input.signalId, platform);
  if (item.state === "closed") throw notAllowed(`signal ${item.signalId} is closed (${item.decisions.at(-1)?.reason ?? "closed"}): a closed signal takes no further decision`, { signalId: item.signalId });
  const forward = input.decision === "forward";
  if (forward) {
    if (!input.partner) throw new SchakelError("schema", "a forward names the partner organisation (--partner <org>)", { field: "partner" });
    bus.directory.require(input.partner);
    if (input.partner === item.raisedBy || input.partner === platform) {
      throw notAllowed(`forward signal ${item.signalId} to a partner other than ${input.partner === platform ? "the platform itself" : `its raiser ${item.raisedBy}`}`, { partner: input.partner });
    }
  } else if (input.partner) {
    throw new SchakelError("schema", `only a forward names a partner; "${input.decision}" does not (leave out --partner)`, { field: "partner" });
  }
  const acknowledgeBy = forward ? (input.acknowledgeBy ?? new Date(now.getTime() + TRIAGE_DEFAULTS.acknowledgeMs)).toISOString() : undefined;
  const reportBackBy = forward ? (input.reportBackBy ?? new Date(now.getTime() + TRIAGE_DEFAULTS.reportBackMs)).toISOString() : undefined;
  if (forward && reportBackBy! < acknowledgeBy!) throw new SchakelError("schema", `the report-back deadline (${reportBackBy}) comes before the acknowledgement deadline (${acknowledgeBy}): give a later --report-back-by`, { field: "reportBackBy" });
  const decisionId = newMessageId();
  const data = {
    decisionId, signalId: item.signalId, raisedBy: item.raisedBy, decision: input.decision, reason: input.reason, decidedAt: now.toISOString(),
    ...(forward ? {
      partner: input.partner!, acknowledgeBy, reportBackBy,
      signal: {
        kind: item.kind, severity: item.severity, title: item.title, description: item.description ?? item.title,
        ...(item.preventionTier ? { preventionTier: item.preventionTier } : {}), ...(item.extremismForms ? { extremismForms: item.extremismForms } : {}),
      },
    } : {}),
  };
  const to = forward ? [item.raisedBy, input.partner!] : [item.raisedBy];
  const messageIds: string[] = [];
  let record: TriageDecisionRecord | undefined;
  for (const audience of to) {
    const sent = await bus.publish("signal.triaged", data, { to: audience, inReplyTo: item.message, idempotencyKey: `signal-triaged|${decisionId}|${audience}`, actor: input.actor });
    messageIds.push(sent.id);
    const actor = actorRefOf(sent.envelope);
    record ??= {
      decisionId, decision: input.decision, reason: input.reason, decidedAt: data.decidedAt, messageId: sent.id,
      ...(forward ? { partner: input.partner!, acknowledgeBy: acknowledgeBy!, reportBackBy: reportBackBy! } : {}), ...(actor ? { actor } : {}),
    };
  }
  const kept = await signalRecords(stores).mutate(item.signalId, (cur) => (cur ? withDecision(cur, record!) : undefined));
  return {
    signalId: item.signalId, decisionId, decision: input.decision, state: kept?.value.state ?? item.state, to, messageIds,
    ...(forward ? { partner: input.partner!, acknowledgeBy: acknowledgeBy!, reportBackBy: reportBackBy! } : {}),
  };
}

/**
 * The platform reads a decision back (each copy; the first one counts): the queue item takes it
 * and a forward opens the partner's obligations to acknowledge and to report back.
 */
export async function recordTriageDecision(p: PlatformContext, d: Delivery<"signal.triaged">): Promise<void> {
  if (d.envelope.sender !== p.org) return;
  requireCoordinatorDecision(d);
  const { data, envelope } = d;
  const record = triageDecisionOf(d);
  // The item as it was, or with the decision: either way it says whether the signal is known, and its title.
  const item = await signalRecords(p.stores).mutate(data.signalId, (cur) => (cur ? withDecision(cur, record) : undefined));
  if (!item) p.log.warn({ signalId: data.signalId, decisionId: data.decisionId }, "triage decision on a signal the platform has not recorded");
  if (data.decision === "forward" && data.partner && data.acknowledgeBy && data.reportBackBy && envelope.audience === data.partner) {
    const now = d.storedAt.toISOString();
    const title = data.signal?.title ?? item?.value.title ?? data.signalId;
    await openObligation(p, { kind: "signal-acknowledgement", reference: data.signalId, owedTo: p.org, deadline: data.acknowledgeBy, title, envelope }, data.partner, now);
    await openObligation(p, { kind: "signal-report", reference: data.signalId, owedTo: p.org, deadline: data.reportBackBy, title, envelope }, data.partner, now);
  }
  if (envelope.audience === data.raisedBy) p.emit({ kind: "signal-triaged", signalId: data.signalId, decision: data.decision, ...(data.partner ? { partner: data.partner } : {}) });
}

/** An acknowledgement of a signal closes its sender's obligation to acknowledge (a neighbour's, or a partner's). */
export async function recordSignalAcknowledgement(p: PlatformContext, d: Delivery<"signal.acknowledged">): Promise<void> {
  const { data, envelope } = d;
  await closeObligation(p, "signal-acknowledgement", data.signalId, envelope.sender, envelope.audience, d, false);
  const acknowledgement = { by: envelope.sender, at: d.storedAt.toISOString(), messageId: envelope.id };
  await signalRecords(p.stores).mutate(data.signalId, (cur) => (cur && !cur.acknowledgement ? { ...cur, acknowledgement } : undefined));
}

/** A partner's report closes its obligation to report back. */
export async function recordSignalReport(p: PlatformContext, d: Delivery<"signal.reported">): Promise<void> {
  const { data, envelope } = d;
  await closeObligation(p, "signal-report", data.signalId, envelope.sender, p.org, d, false);
  const reportBack = { by: envelope.sender, outcome: data.outcome, at: d.storedAt.toISOString(), messageId: envelope.id };
  await signalRecords(p.stores).mutate(data.signalId, (cur) => (cur && !cur.reportBack ? { ...cur, reportBack } : undefined));
}

/**
 * The raiser's answer to a request for information: kept on the queue item, which returns to
 * `open` when it answers the latest decision. An answer from anyone but the signal's raiser, or to
 * a decision that was not an ask-info, is refused for good (dead-lettered with the reason).
 */
export async function recordSignalInformation(p: PlatformContext, d: Delivery<"signal.info.provided">): Promise<void> {
  const { data, envelope } = d;
  if (envelope.audience !== p.org) return;
  const item = (await signalRecords(p.stores).get(data.signalId))?.value;
  if (!item) {
    p.log.warn({ signalId: data.signalId, from: envelope.sender }, "information on a signal the platform has not recorded");
    return;
  }
  const asked = item.decisions.find((x) => x.decisionId === data.decisionId);
  if (item.raisedBy !== envelope.sender || !asked || asked.decision !== "ask-info") {
    throw new HandlerRefusal(
      `signal.info.provided ${envelope.id} from ${envelope.sender} answers ${asked ? `a ${asked.decision} decision` : `no decision ${data.decisionId}`} on signal ${data.signalId} raised by ${item.raisedBy}: only the raiser answers a request for information`,
      { signalId: data.signalId, decisionId: data.decisionId },
    );
  }
  const actor = actorRefOf(envelope);
  const info = { decisionId: data.decisionId, information: data.information, at: d.storedAt.toISOString(), messageId: envelope.id, ...(actor ? { actor } : {}) };
  const kept = await signalRecords(p.stores).mutate(data.signalId, (cur) => (cur ? withInformation(cur, info) : undefined));
  if (kept) p.emit({ kind: "signal-info-provided", signalId: data.signalId, state: kept.value.state });
}
