/**
 * Server-sent events. Each connection subscribes to the read model and gets only what its
 * viewpoint may see and its filters select, in ingest order:
 * - `/live/feed?…`          `row` events with the rendered feed row (the page's own renderer);
 * - `/live/notices/:id`     `fragment` events with the notice's re-rendered recipients matrix, the
 *                            first as it is on connecting (once the notice is read in);
 * - `/api/stream?…`         `message` events with the JSON record, for scripts;
 * - `/live/bus`              nothing but the `bus` events below, for pages without a stream.
 * Every stream also carries `bus` events: the bus's state (`up`/`down`) and the rendered banner,
 * once on connecting and on every change, so open pages show and clear the banner themselves.
 */
import { Hono, type Context } from "hono";
import { streamSSE, type SSEMessage } from "hono/streaming";
import { feedFilterOf, feedMatcher } from "../model/feed-query.ts";
import { noticeMatrix as matrixRows } from "../model/notice-query.ts";
import type { Messages } from "../i18n/messages.ts";
import type { BusState } from "../ingest/bus-status.ts";
import type { FlowRecord } from "../model/record.ts";
import { canSee, canSeeNotice } from "../model/visibility.ts";
import { BUS_STREAM, busBannerText } from "../views/bus-banner.ts";
import { feedRow } from "../views/feed.ts";
import { noticeMatrix } from "../views/notices.ts";
import type { ConsoleContext, Env } from "./context.ts";

const HEARTBEAT_MS = 15_000;

/** Open streams, so stopping the console can end them (a browser would keep them open forever). */
export class LiveStreams {
  readonly #closers = new Set<() => void>();
  add(close: () => void): () => void {
    this.#closers.add(close);
    return () => this.#closers.delete(close);
  }
  closeAll(): void {
    for (const close of [...this.#closers]) close();
  }
}

const busEvent = (state: BusState, t: Messages): SSEMessage => ({ event: "bus", data: JSON.stringify({ bus: state.bus, html: String(busBannerText(state, t)) }) });

/**
 * `toEvent` turns each record read from now on into an event (or nothing); `now`, when given, is
 * the stream's first event: the state as it is, which may have changed while the page loaded.
 */
function subscribe(c: Context<Env>, ctx: ConsoleContext, streams: LiveStreams, toEvent: (r: FlowRecord) => SSEMessage | undefined, now?: () => SSEMessage | undefined) {
  const t = c.get("t");
  return streamSSE(c, async (stream) => {
    let queue = Promise.resolve();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const send = (m: SSEMessage) => {
      queue = queue.then(() => stream.writeSSE(m)).catch(() => finish());
    };
    const unsubscribe = ctx.model.subscribe((r) => {
      const event = toEvent(r);
      if (event) send(event);
    });
    const unwatch = ctx.busStatus?.subscribe((state) => send(busEvent(state, t)));
    const heartbeat = setInterval(() => {
      queue = queue.then(() => stream.write(": keep-alive\n\n").then(() => undefined)).catch(() => finish());
    }, HEARTBEAT_MS);
    const forget = streams.add(finish);
    stream.onAbort(finish);
    // Tell the browser to retry soon after a restart of the console.
    send({ event: "hello", data: "{}", retry: 2_000 });
    // The state now, in case it changed while this page was loading or its stream was away.
    if (ctx.busStatus) send(busEvent(ctx.busStatus.state, t));
    const current = now?.();
    if (current) send(current);
    await done;
    clearInterval(heartbeat);
    unsubscribe();
    unwatch?.();
    forget();
  });
}

/**
 * Live streams push records as they are stored, without a round trip to the read audit, so they
 * carry no case reference: a record about a case arrives with the reference (and the words of its
 * summary that name it) left out. The page or API answer that shows it in full is recorded.
 */
function withoutCase(r: FlowRecord): FlowRecord {
  if (!r.caseRef) return r;
  const { caseRef, ...rest } = r;
  return { ...rest, summary: r.summary.split(caseRef).join("…") };
}

export function liveRoutes(ctx: ConsoleContext, streams: LiveStreams): Hono<Env> {
  const app = new Hono<Env>();
  const directory = ctx.model.directory;

  app.get("/live/feed", (c) => {
    const viewer = c.get("viewer");
    const t = c.get("t");
    const match = feedMatcher(feedFilterOf(c.req.query(), directory), directory);
    return subscribe(c, ctx, streams, (r) =>
      canSee(viewer, r) && match(r) ? { event: "row", id: String(r.pos), data: JSON.stringify({ pos: r.pos, html: String(feedRow(withoutCase(r), directory, t)) }) } : undefined);
  });

  app.get("/live/notices/:id", (c) => {
    const viewer = c.get("viewer");
    const noticeId = c.req.param("id");
    // The matrix as it is now (the notice may have been read in, or acknowledged, while its page
    // loaded: the page of a notice still being read in waits for this), then at every change.
    const matrix = (): SSEMessage | undefined => {
      const n = ctx.model.notices.notices.get(noticeId);
      if (!n?.known || !canSeeNotice(viewer, n)) return undefined;
      return { event: "fragment", data: String(noticeMatrix(n, matrixRows(n, viewer), directory, c.get("t"))) };
    };
    return subscribe(c, ctx, streams, (r) => (r.reference === noticeId ? matrix() : undefined), matrix);
  });

  app.get(BUS_STREAM, (c) => subscribe(c, ctx, streams, () => undefined));

  app.get("/api/stream", (c) => {
    const viewer = c.get("viewer");
    const match = feedMatcher(feedFilterOf(c.req.query(), directory), directory);
    return subscribe(c, ctx, streams, (r) => (canSee(viewer, r) && match(r) ? { event: "message", id: String(r.pos), data: JSON.stringify(withoutCase(r)) } : undefined));
  });

  return app;
}
