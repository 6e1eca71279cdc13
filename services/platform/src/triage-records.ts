/**
 * The platform's record of every signal it saw (bucket `deliveries`, key `triage.<signalId>`,
 * beside the notices' delivery records): a signal to the platform is an item of the triage queue,
 * with the automatic rules' proposal and the platform coordinators' decisions; a signal between
 * organisations is kept as metadata only (no description) for its acknowledgement and the
 * picture of polarisation. Updated with compare-and-set; every decision is kept once (by id).
 */
import { z } from "zod";
import { ActorRef, Audience, ExtremismForm, MessageId, OrgId, PreventionTier, Severity, SignalKind, Timestamp, TriageDecision } from "@schakel/contracts";
import { RecordBucket } from "@schakel/contracts/bus";
import { MessageRef, SignalAcknowledgementRecord, SignalInformationRecord, SignalReportRecord, SignalRoutingRecord } from "@schakel/organisation";
import type { PlatformStores } from "./stores.ts";

/** Where a signal went: to the platform (triaged), to one organisation (a neighbour), to a group. */
export const SIGNAL_ROUTES = ["platform", "neighbour", "group"] as const;
const SignalRouteKind = z.enum(SIGNAL_ROUTES);

/** A triage item's state, from the last decision (`open`: none yet). */
export const TRIAGE_STATES = ["open", "forwarded", "monitoring", "awaiting-information", "closed"] as const;
export const TriageState = z.enum(TRIAGE_STATES);
export type TriageState = z.infer<typeof TriageState>;

/** The state a decision leaves a signal in. */
const STATE_AFTER: Readonly<Record<TriageDecision, TriageState>> = {
  forward: "forwarded", monitor: "monitoring", "ask-info": "awaiting-information", close: "closed",
};

export const TriageProposal = z.object({
  decision: TriageDecision,
  partner: OrgId.optional(),
  reason: z.string(),
  /** The rule that proposed it. */
  rule: z.string(),
});
export type TriageProposal = z.infer<typeof TriageProposal>;

/** One decision, as the raiser and the partner keep it too (`SignalRoutingRecord`), without the message to answer. */
export const TriageDecisionRecord = SignalRoutingRecord.omit({ message: true });
export type TriageDecisionRecord = z.infer<typeof TriageDecisionRecord>;

/** The raiser's answer to an ask-info decision (signal.info.provided), as the raiser keeps it too; `at`: the broker's storage time. */
export const TriageInformation = SignalInformationRecord;
export type TriageInformation = z.infer<typeof TriageInformation>;

export const TriageItem = z.object({
  signalId: MessageId,
  raisedBy: OrgId,
  to: Audience,
  route: SignalRouteKind,
  /** The broker's storage time of the signal. */
  raisedAt: Timestamp,
  message: MessageRef,
  kind: SignalKind,
  severity: Severity,
  title: z.string(),
  /** Signals to the platform only: what was observed. */
  description: z.string().optional(),
  preventionTier: PreventionTier.optional(),
  extremismForms: z.array(ExtremismForm).optional(),
  escalateAsked: z.boolean(),
  actor: ActorRef.optional(),
  state: TriageState,
  proposal: TriageProposal.optional(),
  decisions: z.array(TriageDecisionRecord),
  acknowledgement: SignalAcknowledgementRecord.optional(),
  reportBack: SignalReportRecord.optional(),
  /** The raiser's answers to requests for information, oldest first (absent in records of earlier releases). */
  information: z.array(TriageInformation).optional(),
});
export type TriageItem = z.infer<typeof TriageItem>;

const views = new WeakMap<PlatformStores["deliveries"], RecordBucket<typeof TriageItem>>();

/** The platform's signal records (`triage.<signalId>` in the bucket `deliveries`). */
export function signalRecords(stores: Pick<PlatformStores, "deliveries">): RecordBucket<typeof TriageItem> {
  let view = views.get(stores.deliveries);
  if (!view) {
    view = new RecordBucket(stores.deliveries.kv, TriageItem, "signal triage", "triage");
    views.set(stores.deliveries, view);
  }
  return view;
}

/**
 * A triage item's state: the last decision's, except that an ask-info the raiser answered leaves
 * the signal `open` again, for a coordinator to decide with the information added.
 */
export function stateOf(decisions: readonly TriageDecisionRecord[], information: readonly TriageInformation[] = []): TriageState {
  const last = decisions.at(-1);
  if (!last) return "open";
  if (last.decision === "ask-info" && information.some((i) => i.decisionId === last.decisionId)) return "open";
  return STATE_AFTER[last.decision];
}

/** The item with a decision applied (undefined when that decision is kept already). */
export function withDecision(item: TriageItem, decision: TriageDecisionRecord): TriageItem | undefined {
  if (item.decisions.some((d) => d.decisionId === decision.decisionId)) return undefined;
  const decisions = [...item.decisions, decision].sort((a, b) => a.decidedAt.localeCompare(b.decidedAt));
  return { ...item, decisions, state: stateOf(decisions, item.information) };
}

/** The item with the raiser's answer added (undefined when that answer is kept already). */
export function withInformation(item: TriageItem, info: TriageInformation): TriageItem | undefined {
  if (item.information?.some((i) => i.messageId === info.messageId || i.decisionId === info.decisionId)) return undefined;
  const information = [...(item.information ?? []), info];
  return { ...item, information, state: stateOf(item.decisions, information) };
}
