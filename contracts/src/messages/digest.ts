/**
 * What a municipality does with its digest: it confirms that it read items (sent to the policy
 * domains that published them and to the platform) and routes an item to one of its local
 * partners (sent to the partner and to the item's policy domain, which sees who took it up).
 */
import { z } from "zod";
import { MessageId, OrgId } from "../ids.ts";
import { PolicyDomain } from "../vocabulary.ts";
import { Remark, Timestamp } from "./common.ts";
import { DigestItem } from "./policy.ts";

/** One item confirmed as read: the update and the domain that published it. */
export const ReadDigestItem = z.object({ updateId: MessageId, domain: PolicyDomain, publishedBy: OrgId });
export type ReadDigestItem = z.infer<typeof ReadDigestItem>;

export const DigestRead = z.object({
  digestId: MessageId,
  /** The municipality that read (must be the sender). */
  municipality: OrgId,
  items: z.array(ReadDigestItem).min(1).max(500),
  readAt: Timestamp,
});
export type DigestRead = z.infer<typeof DigestRead>;

export const DigestItemRouted = z.object({
  routeId: MessageId,
  digestId: MessageId,
  /** The municipality that routes (must be the sender). */
  municipality: OrgId,
  /** The local partner of that municipality the item goes to. */
  partner: OrgId,
  item: DigestItem,
  remark: Remark.optional(),
  routedAt: Timestamp,
});
export type DigestItemRouted = z.infer<typeof DigestItemRouted>;
