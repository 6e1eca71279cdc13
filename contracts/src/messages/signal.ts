/** Signals: a municipality reports polarisation, tension, an incident or an emerging need. No personal data. */
import { z } from "zod";
import { MessageId, OrgId } from "../ids.ts";
import { ExtremismForm, PreventionTier, Severity, SignalKind } from "../vocabulary.ts";
import { Body, multilineText, Title } from "./common.ts";

export const SignalRaised = z.object({
  signalId: MessageId,
  kind: SignalKind,
  severity: Severity,
  title: Title,
  description: Body.describe("what was observed; no names or other personal data"),
  preventionTier: PreventionTier.optional(),
  extremismForms: z.array(ExtremismForm).max(4).optional(),
  escalate: z.boolean().default(false).describe("asks the platform to pass the signal on to the federal level"),
});
export type SignalRaised = z.infer<typeof SignalRaised>;

export const SignalEscalated = z.object({
  signalId: MessageId,
  raisedBy: OrgId,
  kind: SignalKind,
  severity: Severity,
  title: Title,
  description: Body,
  preventionTier: PreventionTier.optional(),
  extremismForms: z.array(ExtremismForm).max(4).optional(),
  reason: multilineText().min(1).max(500).describe("why the platform passes it on"),
});
export type SignalEscalated = z.infer<typeof SignalEscalated>;
