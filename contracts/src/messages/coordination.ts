/** Coordination between levels: asking another level to align, inform or act, and its answer. */
import { z } from "zod";
import { MessageId } from "../ids.ts";
import { CoordinationAsk, PreventionTier } from "../vocabulary.ts";
import { Body, Timestamp, Title } from "./common.ts";

export const CoordinationRequested = z.object({
  requestId: MessageId,
  ask: CoordinationAsk,
  topic: Title,
  body: Body,
  respondBy: Timestamp.optional(),
  preventionTier: PreventionTier.optional(),
});
export type CoordinationRequested = z.infer<typeof CoordinationRequested>;

export const COORDINATION_OUTCOMES = ["agreed", "declined", "informed", "done"] as const;
export const CoordinationOutcome = z.enum(COORDINATION_OUTCOMES);

export const CoordinationResponded = z.object({
  requestId: MessageId,
  outcome: CoordinationOutcome,
  body: Body,
});
export type CoordinationResponded = z.infer<typeof CoordinationResponded>;
