/**
 * The platform instance (VPR): it reads everything that moves between the levels through its
 * consumer `<org>--platform` (filter `coord.>`) and keeps obligations, delivery records and digest
 * windows in its buckets; two watchers act on time (deadlines, digest windows). Messages
 * addressed to the platform itself also go through the common inbox, so it can be a recipient
 * like any organisation. Its case inbox is consumed for consultations addressed to it.
 */
import { inboxConsumers, platformConsumer, STREAMS, type MessageType } from "@schakel/contracts";
import type { Handlers, InboundInterceptor } from "@schakel/contracts/bus";
import { caseKeysFor, checkCaseMessage, inboxHandlers, mergeHandlers, orgState, type OrgState } from "@schakel/organisation";
import { consumeWithLogs, type OrgContext, type OrgInstance } from "@schakel/runtime";
import { CatchUp } from "./catch-up.ts";
import { safeEmitter, type PlatformContext, type PlatformEvent } from "./context.ts";
import { noticeSeen, recordNoticeAcknowledged, recordNoticeDelivered, recordNoticePosted } from "./deliveries.ts";
import { collectPolicyUpdate, digestWatcher, noteOwnDigest } from "./digest-bundler.ts";
import { recordDigestRead } from "./digest-reads.ts";
import { deadlineWatcher, noteOwnEscalation } from "./escalation.ts";
import {
  closeAcknowledgementObligation, closeCaseTaskObligation, closeResponseObligation, endCaseTaskObligations, openAcknowledgementObligations,
  openCaseTaskObligations, openResponseObligations,
} from "./obligations.ts";
import { observeObligations } from "./metrics.ts";
import { routeSignal, SIGNAL_ACKNOWLEDGE_MS } from "./signal-routing.ts";
import { recordSignalAcknowledgement, recordSignalInformation, recordSignalReport, recordTriageDecision } from "./signal-triage.ts";
import { openPlatformStores } from "./stores.ts";

export interface PlatformOptions {
  /** Length of a digest window (default 60 s). */
  digestWindowMs?: number;
  /** How often the watchers look at their records (default 250 ms). */
  tickMs?: number;
  /** Time a neighbour gets to acknowledge a signal addressed to it (default 3 days). */
  signalAcknowledgeMs?: number;
  /** Observes what the platform does (tests, metrics). Errors thrown by it are logged and ignored. */
  onEvent?: (event: PlatformEvent) => void;
}

export const PLATFORM_DEFAULTS = { digestWindowMs: 60_000, tickMs: 250 } as const;

/** The handlers of the platform's own work, per message type. */
function platformHandlers(p: PlatformContext, digestWindowMs: number, state: OrgState, signalAcknowledgeMs: number): Handlers {
  return {
    "notice.posted": async (d) => {
      await recordNoticePosted(p, d);
      await openAcknowledgementObligations(p, d);
    },
    "notice.delivered": (d) => recordNoticeDelivered(p, d),
    "notice.acknowledged": async (d) => {
      const seen = await noticeSeen(p, d.data.noticeId);
      await recordNoticeAcknowledged(p, d);
      await closeAcknowledgementObligation(p, d, seen);
    },
    "coordination.requested": async (d) => void (await openResponseObligations(p, d)),
    "coordination.responded": (d) => closeResponseObligation(p, d),
    "policy.update.published": async (d) => void (await collectPolicyUpdate(p, d, digestWindowMs)),
    "signal.raised": async (d) => void (await routeSignal(p, d, signalAcknowledgeMs)),
    "signal.triaged": (d) => recordTriageDecision(p, d),
    "signal.acknowledged": (d) => recordSignalAcknowledgement(p, d),
    "signal.reported": (d) => recordSignalReport(p, d),
    "signal.info.provided": (d) => recordSignalInformation(p, d),
    "escalation.raised": (d) => noteOwnEscalation(p, d),
    "digest.published": (d) => noteOwnDigest(p, d),
    "digest.read": (d) => recordDigestRead(p, d),
    // Obligations only for case messages among members (a non-member is refused before: not-a-member).
    "case.plan.set": async (d) => {
      await checkCaseMessage(state, d);
      await openCaseTaskObligations(p, d);
    },
    "case.task.reported": async (d) => {
      await checkCaseMessage(state, d);
      await closeCaseTaskObligation(p, d);
    },
    "case.closed": async (d) => {
      await checkCaseMessage(state, d);
      await endCaseTaskObligations(p, d);
    },
    "case.erased": async (d) => void (await endCaseTaskObligations(p, d)),
  };
}

/**
 * Delivery receipts each change only their recipient's own record (deliveries.ts) and a second
 * run changes nothing: the platform handles them side by side (a notice to hundreds of
 * municipalities brings hundreds at once), everything else one at a time in stream order.
 */
export const PLATFORM_INDEPENDENT: readonly MessageType[] = ["notice.delivered"];

/**
 * Tells the watchers how far the platform has read: the storage time of each coordination message
 * once its handlers succeeded (a failed one comes back, so it is not read yet). Every catalog type
 * has a handler here (the platform's own or the common inbox's), so every message read passes.
 * Messages handled side by side are not counted: one may finish before an earlier one, so "read
 * through" would claim too much; the watchers then ask the consumer's backlog (catch-up.ts).
 */
export function readingProgress(catchUp: Pick<CatchUp, "observe">, sideBySide: readonly MessageType[] = PLATFORM_INDEPENDENT): InboundInterceptor {
  return async (d, next) => {
    await next(d);
    if (d.stream === STREAMS.coord.name && !sideBySide.includes(d.type)) catchUp.observe(d.storedAt);
  };
}

/** Starts the platform for `ctx.org` (an organisation with role `platform`). */
export async function startPlatform(ctx: OrgContext, options: PlatformOptions = {}): Promise<OrgInstance> {
  const tickMs = options.tickMs ?? PLATFORM_DEFAULTS.tickMs;
  const digestWindowMs = options.digestWindowMs ?? PLATFORM_DEFAULTS.digestWindowMs;
  const stores = await openPlatformStores(ctx.bus);
  const p: PlatformContext = { org: ctx.org, bus: ctx.bus, directory: ctx.directory, log: ctx.log, stores, emit: safeEmitter(ctx.log, options.onEvent) };
  const feed = platformConsumer(ctx.org);
  const catchUp = new CatchUp(ctx.bus, feed);
  const state = await orgState(ctx.bus);
  const handlers = mergeHandlers(platformHandlers(p, digestWindowMs, state, options.signalAcknowledgeMs ?? SIGNAL_ACKNOWLEDGE_MS), inboxHandlers(ctx, state, { caseKeys: caseKeysFor(ctx) }));
  const caseInbox = inboxConsumers(ctx.org, ctx.directory.require(ctx.org).level).filter((c) => c.stream === STREAMS.case.name);
  const consumption = consumeWithLogs(ctx, handlers, { consumers: [feed, ...caseInbox], interceptors: [readingProgress(catchUp)], independent: PLATFORM_INDEPENDENT });
  const watchers = [deadlineWatcher(p, catchUp, tickMs), digestWatcher(p, catchUp, tickMs)];
  for (const w of watchers) w.start();
  const stopMetrics = observeObligations(stores);
  ctx.log.info({ digestWindowMs, tickMs, consumer: feed.name }, "platform watching deadlines and digest windows");
  return {
    async stop() {
      stopMetrics();
      await Promise.all([consumption.stop(), ...watchers.map((w) => w.stop())]);
    },
    async kill() {
      // Nothing is awaited: the connection is already closed and in-flight work is abandoned, as in a crash.
      stopMetrics();
      for (const w of watchers) w.kill();
      void consumption.stop().catch(() => undefined);
    },
  };
}
