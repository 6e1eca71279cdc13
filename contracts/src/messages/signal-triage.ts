/**
 * Signals that end somewhere: a neighbour acknowledges a signal addressed to it, a platform
 * coordinator decides on each signal in the platform's triage queue (`signal.triaged`, to the
 * raiser and, when forwarded, to the named partner), the raiser answers a request for more
 * information (`signal.info.provided`), and the partner acknowledges and reports back.
 * Metadata of polarisation and tension only: no names or other personal data.
 */
import { z } from "zod";
import { MessageId, OrgId } from "../ids.ts";
import { ExtremismForm, PreventionTier, Severity, SignalKind } from "../vocabulary.ts";
import { Body, lineText, multilineText, Remark, Timestamp, Title } from "./common.ts";

/** What a platform coordinator may decide about a signal in the triage queue. */
export const TRIAGE_DECISIONS = ["forward", "monitor", "ask-info", "close"] as const;
export const TriageDecision = z.enum(TRIAGE_DECISIONS);
export type TriageDecision = z.infer<typeof TriageDecision>;

/** The signal as the named partner receives it when the platform forwards it. */
export const ForwardedSignal = z.object({
  kind: SignalKind,
  severity: Severity,
  title: Title,
  description: Body,
  preventionTier: PreventionTier.optional(),
  extremismForms: z.array(ExtremismForm).max(4).optional(),
});
export type ForwardedSignal = z.infer<typeof ForwardedSignal>;

export const SignalTriaged = z.object({
  decisionId: MessageId.describe("one decision; its copies to the raiser and the partner share it"),
  signalId: MessageId,
  raisedBy: OrgId,
  decision: TriageDecision,
  reason: multilineText().min(3, "give a reason of at least 3 characters").max(2_000),
  partner: OrgId.optional().describe("forward: the organisation that takes the signal up"),
  acknowledgeBy: Timestamp.optional().describe("forward: the partner acknowledges by then"),
  reportBackBy: Timestamp.optional().describe("forward: the partner reports back by then"),
  signal: ForwardedSignal.optional().describe("forward: the signal itself, for the partner"),
  decidedAt: Timestamp,
}).superRefine((d, ctx) => {
  if (d.decision !== "forward") return;
  for (const f of ["partner", "acknowledgeBy", "reportBackBy", "signal"] as const) {
    if (d[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: `a forward names ${f === "partner" ? "the partner organisation" : f}` });
  }
});
export type SignalTriaged = z.infer<typeof SignalTriaged>;

export const SignalAcknowledged = z.object({
  signalId: MessageId,
  recipient: OrgId.describe("the organisation acknowledging: always the sender itself"),
  acknowledgedAt: Timestamp,
  remark: Remark.optional(),
});
export type SignalAcknowledged = z.infer<typeof SignalAcknowledged>;

export const SignalReportedBack = z.object({
  signalId: MessageId,
  partner: OrgId.describe("the partner the signal was forwarded to: always the sender itself"),
  outcome: multilineText().min(3, "say in at least 3 characters what was done").max(5_000).describe("what the partner did; no names or other personal data"),
  reportedAt: Timestamp,
  by: lineText().max(120).optional(),
});
export type SignalReportedBack = z.infer<typeof SignalReportedBack>;

/** The raiser's answer to a platform coordinator's request for more information (decision `ask-info`). */
export const SignalInfoProvided = z.object({
  signalId: MessageId,
  decisionId: MessageId.describe("the ask-info decision this answers"),
  raisedBy: OrgId.describe("the organisation that raised the signal: always the sender itself"),
  information: multilineText().min(3, "give the information in at least 3 characters").max(5_000).describe("what the platform asked for; no names or other personal data"),
  providedAt: Timestamp,
});
export type SignalInfoProvided = z.infer<typeof SignalInfoProvided>;
