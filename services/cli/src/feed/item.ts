/**
 * One feed entry as people and scripts see it: the stored message, verified and decoded by the bus
 * client's read path with the same checks a service applies (signature, key, clock, schema). A
 * message that fails them is still shown — it is part of the record — marked with the reason.
 */
import { parseMessageSubject, traceIdOf, type Envelope, type MessageType } from "@schakel/contracts";
import type { FeedMessage, Rejection } from "@schakel/contracts/bus";

export interface FeedItem {
  seq: number;
  storedAt: string;
  subject: string;
  /** The type named by the subject (also for refused messages). */
  type: string;
  sender: string;
  audience: string;
  /** Present when the message passed every check. */
  id?: string;
  time?: string;
  traceId?: string;
  correlationId?: string;
  causationId?: string;
  data?: unknown;
  refused?: Rejection;
  /** The verified envelope, to answer the message (not printed). */
  envelope?: Envelope;
}

/** The printable part of an item (everything but the envelope). */
export function printable(item: FeedItem): Omit<FeedItem, "envelope"> {
  const { envelope: _envelope, ...rest } = item;
  return rest;
}

/** A feed message as a feed item (never throws). */
export function toFeedItem(m: FeedMessage): FeedItem {
  let parts = { type: "?", sender: "?", audience: "?" };
  try {
    parts = parseMessageSubject(m.subject);
  } catch {
    // the verdict reports the bad subject as the refusal reason
  }
  const base = { seq: m.seq, storedAt: m.storedAt.toISOString(), subject: m.subject, type: parts.type, sender: parts.sender, audience: parts.audience };
  if (!m.verdict.ok) return { ...base, refused: m.verdict.rejection };
  const e = m.verdict.envelope;
  return {
    ...base, id: e.id, time: e.time, traceId: traceIdOf(e.traceparent), correlationId: e.correlationid,
    ...(e.causationid ? { causationId: e.causationid } : {}), data: e.data, envelope: e,
  };
}

/**
 * A `--type` filter: comma-separated globs where `*` matches any characters, dots included
 * (`notice.*`, `*.raised`, `policy.*`), as a matcher on the message type.
 */
export function typeMatcher(globs: string | undefined): (type: string) => boolean {
  if (!globs) return () => true;
  const patterns = globs.split(",").map((g) => g.trim()).filter(Boolean)
    .map((g) => new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/>/g, ".+")}$`));
  return (type) => patterns.some((p) => p.test(type));
}

const short = (s: string, n = 70): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One line about what a message says, per type. */
export function describe(type: MessageType | string, data: unknown): string {
  const d = (data ?? {}) as Record<string, any>;
  switch (type) {
    case "notice.posted": return `"${short(d.title)}" [${d.category}]${d.ackBy ? ` ack by ${d.ackBy}` : ""} notice ${d.noticeId}`;
    case "notice.delivered": return `${d.recipient} received notice ${d.noticeId}`;
    case "notice.acknowledged": return `${d.recipient} acknowledged notice ${d.noticeId}${d.remark ? `: "${short(d.remark, 50)}"` : ""}`;
    case "signal.raised": return `${d.severity} ${d.kind}: "${short(d.title)}"${d.escalate ? " (escalate)" : ""}`;
    case "signal.escalated": return `from ${d.raisedBy}, ${d.severity} ${d.kind}: "${short(d.title)}" — ${short(d.reason, 50)}`;
    case "signal.acknowledged": return `${d.recipient} acknowledged signal ${d.signalId}${d.remark ? `: "${short(d.remark, 50)}"` : ""}`;
    case "signal.triaged": return `${d.decision}${d.partner ? ` to ${d.partner}` : ""} signal ${d.signalId} of ${d.raisedBy}: "${short(d.reason, 60)}"${d.reportBackBy ? ` report back by ${d.reportBackBy}` : ""}`;
    case "signal.reported": return `${d.partner} reported back on signal ${d.signalId}: "${short(d.outcome, 60)}"`;
    case "signal.info.provided": return `${d.raisedBy} answered on signal ${d.signalId}: "${short(d.information, 60)}"`;
    case "policy.update.published": return `${d.domain}: "${short(d.title)}" for ${(d.concerns ?? []).join(", ")}`;
    case "digest.published": return `digest for ${d.municipality}: ${(d.items ?? []).length} item(s) from ${[...new Set((d.items ?? []).map((i: any) => i.domain))].join(", ")}`;
    case "coordination.requested": return `${d.ask}: "${short(d.topic)}"${d.respondBy ? ` respond by ${d.respondBy}` : ""} request ${d.requestId}`;
    case "coordination.responded": return `${d.outcome}: "${short(d.body, 60)}" (request ${d.requestId})`;
    case "knowledge.shared": return `${d.format}: "${short(d.title)}"`;
    case "knowledge.curated": return `${d.decision} ${d.knowledge?.format}: "${short(d.knowledge?.title ?? "")}" shared by ${d.sharedBy}${d.reason ? ` — ${short(d.reason, 50)}` : ""}`;
    case "digest.read": return `${d.municipality} read ${(d.items ?? []).length} item(s) of digest ${d.digestId}`;
    case "digest.item.routed": return `${d.municipality} routed "${short(d.item?.title ?? "")}" (${d.item?.domain}) to ${d.partner}`;
    case "livc.composition.set": return `LIVC-R of ${d.municipality}: composition v${d.version}, members ${(d.members ?? []).map((m: any) => m.org).join(", ")}${d.removed?.length ? `; removed ${d.removed.join(", ")}` : ""}`;
    case "escalation.raised": return `${d.obligation?.owedBy} missed ${d.obligation?.kind} to ${d.obligation?.owedTo} (deadline ${d.obligation?.deadline}): ${short(d.summary, 60)}`;
    default: return "";
  }
}
