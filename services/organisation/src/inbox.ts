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
import { withNotifications } from "./notifications/inbox.ts";
import { caseKeyStoreAt, useCaseKeys } from "./cases/case-keys.ts";
import { caseHandlers, type CaseKeyContext } from "./cases/inbox.ts";
import { receiveCoordinationRequest, receiveCoordinationResponse } from "./coordination/coordination.ts";
import { digestHandlers } from "./digests/inbox.ts";
import { receiveEscalation } from "./escalations/received.ts";
import { knowledgeHandlers } from "./knowledge/inbox.ts";
import { glossaryHandlers } from "./glossary/inbox.ts";
import { receiveNotice } from "./notices/receive.ts";
import { receiveEscalatedSignal } from "./signals/escalated.ts";
import { signalHandlers } from "./signals/inbox.ts";
import type { IncomingRequest } from "./records.ts";
import type { OrgState } from "./state.ts";

/** What the inbox handlers use of an organisation's context (a handler test passes just this). */
export type InboxContext = Pick<OrgContext, "org" | "directory" | "log">;

export interface InboxOptions<C extends InboxContext = OrgContext> {
  /** Called once a new coordination request is recorded (e.g. an auto-answer policy). */
  onCoordinationRequest?: (request: IncomingRequest, ctx: C) => Promise<void> | void;
  /** The service's connection and case key folder: case keys are asked for, granted, kept and destroyed (see `caseKeysFor`). */
  caseKeys?: CaseKeyContext;
}

/** The handlers every organisation runs on its inbox. Messages not addressed to it are ignored. */
export function inboxHandlers<C extends InboxContext>(ctx: C, state: OrgState, opts: InboxOptions<C> = {}): Handlers {
  const { directory, org } = ctx;
  const mine = (d: Delivery): boolean => isAddressedTo(directory, org, d.envelope);
  const log = (d: Delivery) => messageLogger(ctx.log, d.envelope);
  // Notified types are followed by the organisation's notifier (notifications/inbox.ts).
  return withNotifications(ctx, {
    "notice.posted": async (d) => {
      if (!mine(d)) return;
      const n = await receiveNotice(state, d);
      log(d).info({ noticeId: n.noticeId, ackBy: n.ackBy }, "notice received; delivery receipt sent");
    },
    // The sender keeps no record of its receipts (its feed holds them; `notice status` folds
    // them): it only logs them, so operators see its notices answered. A receipt whose recipient
    // is not its sender never gets here (decoding refuses it: sender-mismatch).
    "notice.delivered": (d) => {
      if (mine(d)) log(d).info({ noticeId: d.data.noticeId, recipient: d.data.recipient }, "notice delivered");
    },
    "notice.acknowledged": (d) => {
      if (mine(d)) log(d).info({ noticeId: d.data.noticeId, recipient: d.data.recipient }, "notice acknowledged");
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
    "escalation.raised": async (d) => {
      if (!mine(d)) return;
      await receiveEscalation(state, d);
      log(d).warn({ escalationId: d.data.escalationId, owedBy: d.data.obligation.owedBy, reference: d.data.obligation.reference }, "escalation received");
    },
    "signal.escalated": async (d) => {
      if (!mine(d)) return;
      await receiveEscalatedSignal(state, d);
      log(d).warn({ signalId: d.data.signalId, raisedBy: d.data.raisedBy, severity: d.data.severity }, "escalated signal received");
    },
    ...caseHandlers(org, state, mine, log, opts.caseKeys),
    ...signalHandlers(org, directory, state, mine, log),
    ...digestHandlers(directory, state, mine, log),
    ...knowledgeHandlers(org, directory, state, mine, log),
    ...glossaryHandlers(state, mine, log),
  });
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

/** The case key side of an organisation's service: its connection and `<data>/case-keys/<org>`, also set for the case functions on that connection. */
export function caseKeysFor(ctx: Pick<OrgContext, "bus" | "org" | "config">): CaseKeyContext {
  return { bus: ctx.bus, store: useCaseKeys(ctx.bus, caseKeyStoreAt(ctx.config.dataDir, ctx.org)) };
}
