/**
 * The events a person can be notified of, as data: each names the message type that carries it
 * (when the catalog has that type), which of those messages count, and what the mail says. The
 * deadline event has no message of its own: the notifier raises it from the organisation's
 * received notices (`deadlines.ts`).
 *
 * What a mail may say (SECURITY.md, "Notifications"): which organisation sent what kind of item,
 * the title of a notice unless it is about a person (a detainee's release), the deadline, and the
 * console link. Never a body, a signal's title or description, a case reference or any personal
 * field: whoever reads the mail signs in to the console to see the rest.
 */
import { isMessageType, type MessageType } from "@schakel/contracts";

/** The event names, in the order the preferences show them. */
export const NOTIFICATION_EVENTS = ["urgent-notice", "deadline", "escalation", "triage-decision", "digest"] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** What one notification says: subject, plain text and the console page it links to. */
export interface NotificationContent {
  subject: string;
  text: string;
  /** Console path, e.g. /notices/<id>. */
  path: string;
}

/** A received message as the event rules see it. */
export interface EventSource {
  type: string;
  sender: string;
  id: string;
  data: Record<string, unknown>;
  receivedAt: Date;
}

export interface EventRule {
  event: NotificationEvent;
  /** What the preference page says. */
  description: string;
  /** On by default for a person with an e-mail address. */
  byDefault: boolean;
  /** The message type that carries it; none for the deadline. */
  messageType?: string;
  matches?(m: EventSource): boolean;
  content?(m: EventSource): NotificationContent;
}

const URGENT_WITHIN_MS = 24 * 3_600_000;
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * Notices carry no urgency field: a notice is urgent when it is a threat assessment, or when it
 * must be acknowledged within a day of arriving.
 */
export function isUrgentNotice(data: Record<string, unknown>, receivedAt: Date): boolean {
  if (data.category === "threat-assessment") return true;
  const ackBy = Date.parse(str(data.ackBy));
  return data.ackRequired === true && Number.isFinite(ackBy) && ackBy - receivedAt.getTime() <= URGENT_WITHIN_MS;
}

/** A notice's title as a mail may show it: not for a notice about a person. */
function mailableTitle(data: Record<string, unknown>): string {
  return data.category === "detainee-release" || data.person !== undefined ? `a ${str(data.category)} notice` : `"${str(data.title)}"`;
}

export const EVENT_RULES: readonly EventRule[] = [
  {
    event: "urgent-notice", byDefault: true, messageType: "notice.posted",
    description: "an urgent notice addressed to my organisation (a threat assessment, or an acknowledgement due within a day)",
    matches: (m) => isUrgentNotice(m.data, m.receivedAt),
    content: (m) => ({
      subject: `[Schakel] Urgent notice from ${m.sender}: ${mailableTitle(m.data)}`.slice(0, 200),
      text: `${m.sender} sent your organisation an urgent notice, ${mailableTitle(m.data)} (${str(m.data.category)}).` +
        (m.data.ackBy ? `\nIt must be acknowledged by ${str(m.data.ackBy)}.` : ""),
      path: `/notices/${str(m.data.noticeId)}`,
    }),
  },
  {
    event: "deadline", byDefault: true,
    description: "a notice my organisation has not acknowledged yet, shortly before its deadline",
  },
  {
    event: "escalation", byDefault: false, messageType: "escalation.raised",
    description: "an escalation my organisation receives (an obligation that missed its deadline)",
    matches: () => true,
    content: (m) => {
      const o = (m.data.obligation ?? {}) as Record<string, unknown>;
      return {
        subject: `[Schakel] Escalation: ${str(o.owedBy)} missed a ${str(o.kind)} deadline`,
        text: `The platform reports that ${str(o.owedBy)} missed the ${str(o.kind)} owed to ${str(o.owedTo)} by ${str(o.deadline)}.`,
        path: o.kind === "acknowledgement" ? `/notices/${str(o.reference)}` : `/traces/${m.id}`,
      };
    },
  },
  {
    event: "triage-decision", byDefault: false, messageType: "signal.triaged",
    description: "a triage decision on a signal my organisation raised or is named partner for",
    matches: () => true,
    content: (m) => ({
      subject: `[Schakel] Triage decision on a signal: ${str(m.data.decision)}`,
      text: `A platform coordinator decided "${str(m.data.decision)}" on a signal raised by ${str(m.data.raisedBy)}.` +
        (m.data.reportBackBy ? `\nA report back is due by ${str(m.data.reportBackBy)}.` : ""),
      path: `/traces/${m.id}`,
    }),
  },
  {
    event: "digest", byDefault: false, messageType: "digest.published",
    description: "a digest of policy information for my organisation",
    matches: () => true,
    content: (m) => ({
      subject: `[Schakel] Digest from ${m.sender}: ${Array.isArray(m.data.items) ? m.data.items.length : 0} item(s)`,
      text: `${m.sender} published a digest for your organisation with ${Array.isArray(m.data.items) ? m.data.items.length : 0} item(s), from ${str(m.data.windowStart)} to ${str(m.data.windowEnd)}.`,
      path: `/traces/${m.id}`,
    }),
  },
];

/** The rules a message type feeds; only types the catalog knows (a rule for a type not released yet stays idle). */
export function rulesFor(type: string): EventRule[] {
  return EVENT_RULES.filter((r) => r.messageType === type && isMessageType(type));
}

/** The message types some rule listens to. */
export function notifiedTypes(): MessageType[] {
  return [...new Set(EVENT_RULES.flatMap((r) => (r.messageType && isMessageType(r.messageType) ? [r.messageType] : [])))];
}

/** Deadline reminder content for a received notice. */
export function deadlineContent(n: { noticeId: string; from: string; title: string; category: string; ackBy: string; person?: unknown }): NotificationContent {
  const title = mailableTitle({ title: n.title, category: n.category, person: n.person });
  return {
    subject: `[Schakel] Deadline: acknowledge ${title} from ${n.from} by ${n.ackBy}`.slice(0, 200),
    text: `Your organisation has not acknowledged ${title} from ${n.from} yet.\nThe deadline is ${n.ackBy}; after it, the platform escalates.`,
    path: `/notices/${n.noticeId}`,
  };
}
