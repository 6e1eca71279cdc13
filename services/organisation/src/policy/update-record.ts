/**
 * A policy domain's record of one update it published: what it said, and per municipality who
 * confirmed reading it and to which local partner it was routed (who took it up).
 */
import { z } from "zod";
import { ActorRef, MessageId, OrgId, PreventionTier, Timestamp } from "@schakel/contracts";

/** A municipality confirmed reading the update (the first confirmation per municipality counts). */
export const UpdateReadRecord = z.object({ municipality: OrgId, digestId: MessageId, at: Timestamp, messageId: MessageId, actor: ActorRef.optional() });
export type UpdateReadRecord = z.infer<typeof UpdateReadRecord>;

/** A municipality routed the update to one of its local partners. */
export const UpdateRouteRecord = z.object({
  routeId: MessageId, municipality: OrgId, partner: OrgId, at: Timestamp, messageId: MessageId, remark: z.string().optional(), actor: ActorRef.optional(),
});
export type UpdateRouteRecord = z.infer<typeof UpdateRouteRecord>;

/** At most this many reads and routes are kept per update (one read per municipality). */
export const UPDATE_UPTAKE_LIMIT = 2_000;

/**
 * The update as published. An update published before this record existed has only its id
 * (and what was read or routed of it) until then: the descriptive fields are optional.
 */
export const PolicyUpdateRecord = z.object({
  updateId: MessageId,
  title: z.string().optional(),
  summary: z.string().optional(),
  concerns: z.array(z.string()).optional(),
  effectiveFrom: Timestamp.optional(),
  preventionTier: PreventionTier.optional(),
  link: z.string().optional(),
  publishedAt: Timestamp.optional(),
  messageId: MessageId.optional(),
  reads: z.array(UpdateReadRecord),
  routes: z.array(UpdateRouteRecord),
});
export type PolicyUpdateRecord = z.infer<typeof PolicyUpdateRecord>;
