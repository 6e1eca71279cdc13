/**
 * Policy information: each Flemish policy domain publishes updates to the platform, which bundles
 * them into one digest per municipality per window instead of one stream per domain.
 */
import { z } from "zod";
import { Audience, MessageId, OrgId } from "../ids.ts";
import { PolicyDomain, PreventionTier } from "../vocabulary.ts";
import { Body, Timestamp, Title } from "./common.ts";

export const PolicyUpdatePublished = z.object({
  updateId: MessageId,
  domain: PolicyDomain,
  title: Title,
  summary: Body,
  concerns: z.array(Audience).min(1).max(400).describe("municipalities or groups (e.g. local) the update is for"),
  effectiveFrom: Timestamp.optional(),
  link: z.url().optional(),
  preventionTier: PreventionTier.optional(),
});
export type PolicyUpdatePublished = z.infer<typeof PolicyUpdatePublished>;

export const DigestItem = z.object({
  updateId: MessageId,
  domain: PolicyDomain,
  publishedBy: OrgId,
  title: Title,
  summary: Body,
  link: z.url().optional(),
  /** From the update; digests of earlier releases have neither field. */
  effectiveFrom: Timestamp.optional(),
  preventionTier: PreventionTier.optional(),
});
export type DigestItem = z.infer<typeof DigestItem>;

export const DigestPublished = z.object({
  digestId: MessageId,
  municipality: OrgId,
  windowStart: Timestamp,
  windowEnd: Timestamp,
  items: z.array(DigestItem).min(1).max(500),
});
export type DigestPublished = z.infer<typeof DigestPublished>;
