/**
 * What every organisation's service does with what is addressed to it, whatever its level:
 * record notices and send receipts, log the receipts of its own notices, keep coordination
 * requests and answers, digests, escalations, escalated signals, knowledge and case
 * consultations. Level services add their own handlers on top (see `mergeHandlers`).
 */
import type { Delivery, Handlers } from "@schakel/contracts/bus";
import type { MessageType } from "@schakel/contracts";
import { messageLogger, type OrgContext } from "@schakel/runtime";
import { isAddressedTo } from "./addressing.ts";
import { receiveCaseConsultation, receiveCaseResponse } from "./cases/consultation.ts";
import { receiveCoordinationRequest, receiveCoordinationResponse } from "./coordination/coordination.ts";
import { receiveNotice } from "./notices/receive.ts";
import type { IncomingRequest } from "./records.ts";
import type { OrgState } from "./state.ts";

export interface InboxOptions {
  /** Called once a new coordination request is recorded (e.g. an auto-answer policy). */
  onCoordinationRequest?: (request: IncomingRequest, ctx: OrgContext) => Promise<void> | void;
}

/** The handlers every organisation runs on its inbox. Messages not addressed to it are ignored. */
export function inboxHandlers(ctx: OrgContext, state: OrgState, opts: InboxOptions = {}): Handlers {
  const { directory, org } = ctx;
  const mine = (d: Delivery): boolean => isAddressedTo(directory, org, d.envelope);
  const log = (d: Delivery) => messageLogger(ctx.log, d.envelope);
  const now = () => new Date().toISOString();
  return {
    "notice.posted": async (d) => {
      if (!mine(d)) return;
      const n = await receiveNotice(state, d);
      log(d).info({ noticeId: n.noticeId, ackBy: n.ackBy, title: n.title }, "notice received; delivery receipt sent");
    },
    // The sender keeps no record of its receipts (its feed holds them; `notice status` folds
    // them): it only logs them, so operators see its notices answered.
    "notice.delivered": (d) => {
      if (mine(d) && d.data.recipient === d.envelope.sender) log(d).info({ noticeId: d.data.noticeId, recipient: d.data.recipient }, "notice delivered");
    },
    "notice.acknowledged": (d) => {
      if (mine(d) && d.data.recipient === d.envelope.sender) log(d).info({ noticeId: d.data.noticeId, recipient: d.data.recipient }, "notice acknowledged");
    },
    "coordination.requested": async (d) => {
      if (!mine(d)) return;
      const req = await receiveCoordinationRequest(state, d);
      log(d).info({ requestId: req.requestId, ask: req.ask, respondBy: req.respondBy }, "coordination requested");
      if (!req.response && opts.onCoordinationRequest) await opts.onCoordinationRequest(req, ctx);
    },
    "coordination.responded": async (d) => {
      if (!mine(d)) return;
      const r = await receiveCoordinationResponse(state, d);
      log(d).info({ requestId: d.data.requestId, outcome: d.data.outcome, known: r !== undefined }, "coordination answered");
    },
    "digest.published": async (d) => {
      if (!mine(d)) return;
      const { data, envelope } = d;
      await state.digests.create(data.digestId, {
        digestId: data.digestId, from: envelope.sender, windowStart: data.windowStart, windowEnd: data.windowEnd, items: data.items,
        receivedAt: now(), messageId: envelope.id,
      });
      log(d).info({ digestId: data.digestId, items: data.items.length }, "digest received");
    },
    "escalation.raised": async (d) => {
      if (!mine(d)) return;
      const { data, envelope } = d;
      await state.escalations.create(data.escalationId, {
        escalationId: data.escalationId, from: envelope.sender, ...data.obligation, missedAt: data.missedAt, summary: data.summary,
        receivedAt: now(), messageId: envelope.id,
      });
      log(d).warn({ escalationId: data.escalationId, owedBy: data.obligation.owedBy, reference: data.obligation.reference }, data.summary);
    },
    "signal.escalated": async (d) => {
      if (!mine(d)) return;
      const { data, envelope } = d;
      await state.signals.create(data.signalId, {
        signalId: data.signalId, direction: "escalated-to-us", raisedBy: data.raisedBy, from: envelope.sender, to: envelope.audience,
        kind: data.kind, severity: data.severity, title: data.title, escalate: true, reason: data.reason, at: now(), messageId: envelope.id,
      });
      log(d).warn({ signalId: data.signalId, raisedBy: data.raisedBy, severity: data.severity }, `escalated signal: ${data.title}`);
    },
    "knowledge.shared": async (d) => {
      if (!mine(d)) return;
      const { data, envelope } = d;
      await state.knowledge.create(data.knowledgeId, {
        knowledgeId: data.knowledgeId, from: envelope.sender, format: data.format, title: data.title, summary: data.summary,
        receivedAt: now(), messageId: envelope.id,
      });
      log(d).info({ knowledgeId: data.knowledgeId, format: data.format }, "knowledge shared");
    },
    "case.consultation.requested": async (d) => {
      if (!mine(d) || !d.data.recipients.includes(org)) return;
      const c = await receiveCaseConsultation(state, d);
      // Only metadata is logged: the content stays sealed until an official opens it.
      log(d).info({ consultationId: c.consultationId, caseRef: c.caseRef }, "case consultation received (sealed)");
    },
    "case.consultation.responded": async (d) => {
      if (!mine(d)) return;
      const r = await receiveCaseResponse(state, d);
      log(d).info({ consultationId: d.data.consultationId, caseRef: d.data.caseRef, known: r !== undefined }, "case consultation answered (sealed)");
    },
  };
}

/**
 * Combines handler sets: for a type handled by several, each runs in order (a later one only
 * after the earlier one succeeded, so a retry repeats them all; every handler is idempotent).
 *
 * This is composition of domain handlers — the platform is both the platform and a recipient,
 * so a notice addressed to it is recorded by both — not cross-cutting behaviour: what applies to
 * every handler run (logging, bookkeeping of what was read) is an inbound interceptor instead
 * (`consume({ interceptors })`), which wraps every handler of the consumption.
 */
export function mergeHandlers(...sets: Handlers[]): Handlers {
  const out: Record<string, (d: Delivery) => Promise<void>> = {};
  const types = new Set(sets.flatMap((s) => Object.keys(s))) as Set<MessageType>;
  for (const type of types) {
    const fns = sets.map((s) => s[type] as ((d: Delivery) => Promise<void> | void) | undefined).filter((f) => f !== undefined);
    out[type] = async (d) => {
      for (const fn of fns) await fn(d);
    };
  }
  return out as Handlers;
}
