/** The HTML pages: each route asks the read model for one page of data and renders it. */
import { Hono, type Context } from "hono";
import { shownNotices } from "../audit/shown-records.ts";
import type { ShownRead } from "../audit/read-log.ts";
import { html } from "hono/html";
import { catalog } from "@schakel/contracts";
import { feedFilterOf, feedPage } from "../model/feed-query.ts";
import { flowStats, PERIODS, type Period } from "../model/flows.ts";
import { NOTICE_PROGRESS, type NoticeProgress } from "@schakel/organisation";
import { noticeMatrix as matrixRows, openObligations, summarise, visibleEscalations } from "../model/notice-query.ts";
import { parseBelgianTime } from "../model/time-window.ts";
import { traceView } from "../model/trace.ts";
import { feedPageWithOlder, modelFor, noticePageWithOlder, olderNotice } from "../model/older-queries.ts";
import { noticeDetailOf } from "./acknowledge-routes.ts";
import { canSee, canSeeNotice, type Viewpoint } from "../model/visibility.ts";
import type { ReadModel } from "../model/read-model.ts";
import { feedPage as feedView } from "../views/feed.ts";
import { flowsPage } from "../views/flows.ts";
import { layout } from "../views/layout.ts";
import { noticeList } from "../views/notices.ts";
import { obligationsPage } from "../views/obligations.ts";
import { overviewPage } from "../views/overview.ts";
import { traceIndex, tracePage } from "../views/trace.ts";
import { frameOf, intParam, type ConsoleContext, type Env } from "./context.ts";
import { time } from "../views/format.ts";

/**
 * The trace an id found in the search box names, if the viewpoint may see it: a trace id (one of
 * its messages is visible), a message id (that message is visible), or a notice, request or
 * signal id (a message about it is visible) — the ids the CLI's `trace` accepts.
 */
export function visibleTraceOf(model: ReadModel, viewer: Viewpoint, id: string): { traceId: string; messageId?: string } | undefined {
  const found = model.lookup(id);
  const seen = found.records.find((r) => canSee(viewer, r));
  if (!seen) return undefined;
  return found.via === "trace" ? { traceId: seen.traceId } : { traceId: seen.traceId, messageId: seen.id };
}

const OBLIGATIONS_PER_PAGE = 50;

export function pageRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const { model } = ctx;
  const directory = model.directory;
  /** The read audit first: a view of case records or a trace is recorded before it is shown. */
  const shown = (c: Context<Env>, what: ShownRead): Promise<void> => ctx.reads.shown(c.get("person"), what);

  app.get("/", async (c) => {
    const viewer = c.get("viewer");
    const obligations = openObligations(model.notices, viewer);
    let openNotices = 0;
    let notices = 0;
    for (const n of model.notices.list) {
      if (!canSeeNotice(viewer, n)) continue;
      notices++;
      const status = summarise(n, viewer).status;
      if (status === "open" || status === "overdue") openNotices++;
    }
    const stats = flowStats(model, viewer, { from: Date.now() - PERIODS["24h"] });
    const figures = {
      messages: viewer.platform ? model.size : model.records.filter((r) => canSee(viewer, r)).length,
      notices, openNotices, obligations: obligations.length, overdue: obligations.filter((o) => o.overdue).length,
      escalations: visibleEscalations(model.notices, viewer).length, refused: viewer.platform ? model.refusedCount : 0,
    };
    const latest = feedPage(model, viewer, {}, { limit: 10 }).items;
    await shown(c, { kind: "record", purpose: "overview", records: latest });
    const t = c.get("t");
    return c.html(layout(frameOf(ctx, c, t.overview.title, "overview"), overviewPage({ viewer, figures, latest, oldest: obligations.slice(0, 5), levelPairs: stats.levelPairs, directory, t })));
  });

  app.get("/feed", async (c) => {
    const filter = feedFilterOf(c.req.query(), directory);
    const before = intParam(c, "before");
    const page = await feedPageWithOlder(model, c.get("viewer"), filter, { ...(before ? { before } : {}), limit: 50 });
    await shown(c, { kind: "record", purpose: "feed", records: page.items });
    const t = c.get("t");
    return c.html(layout(frameOf(ctx, c, t.feed.title, "feed"), feedView(page, filter, directory, t, { live: before === undefined })));
  });

  app.get("/notices", async (c) => {
    const statusParam = c.req.query("status");
    const status = (NOTICE_PROGRESS as readonly string[]).includes(statusParam ?? "") ? (statusParam as NoticeProgress) : undefined;
    const sender = c.req.query("sender") || undefined;
    const text = c.req.query("q") || undefined;
    const q = { ...(status ? { status } : {}), ...(sender ? { sender } : {}), ...(text ? { text } : {}), page: intParam(c, "page") ?? 1, pageSize: 25 };
    const page = await noticePageWithOlder(model, c.get("viewer"), q);
    await shown(c, { kind: "notice", purpose: "notice list", records: shownNotices(model, page.items.map((s) => s.notice)) });
    const senders = directory.organisations.filter((o) => catalog["notice.posted"].senders.some((r) => o.roles.includes(r))).map((o) => o.id);
    const t = c.get("t");
    return c.html(layout(frameOf(ctx, c, t.notices.title, "notices"), noticeList(page, q, senders, t)));
  });

  app.get("/notices/:id", async (c) => {
    const viewer = c.get("viewer");
    const t = c.get("t");
    const found = await olderNotice(model, c.req.param("id"));
    const n = found?.notice;
    if (!n) {
      // Posted through this console a moment ago, and not yet read back from the bus.
      const post = ctx.recentPosts?.pending(c.req.param("id"), viewer.org);
      if (post) {
        // The page's script follows the notice's live stream and loads the page again once it is read in.
        return c.html(layout(frameOf(ctx, c, post.title, "notices"), html`<p class="notice-pending" role="status" data-pending-notice="/live/notices/${post.noticeId}">${t.notices.pending(time(post.at, t))}
<a href="/notices/${post.noticeId}">${t.notices.lookAgain}</a></p>`), 202);
      }
    }
    if (!n || !canSeeNotice(viewer, n)) {
      return c.html(layout(frameOf(ctx, c, t.notices.notFoundTitle, "notices"), html`<p>${t.notices.notFound(c.req.param("id"))}</p>`), 404);
    }
    await shown(c, { kind: "notice", purpose: "notice detail", records: shownNotices(found.model, [n]) });
    return c.html(layout(frameOf(ctx, c, n.title, "notices"), noticeDetailOf(ctx, c, n)));
  });

  app.get("/obligations", (c) => {
    const viewer = c.get("viewer");
    const all = openObligations(model.notices, viewer);
    const pages = Math.max(1, Math.ceil(all.length / OBLIGATIONS_PER_PAGE));
    const page = Math.min(intParam(c, "page") ?? 1, pages);
    const items = all.slice((page - 1) * OBLIGATIONS_PER_PAGE, page * OBLIGATIONS_PER_PAGE);
    const t = c.get("t");
    const body = obligationsPage(items, all.length, all.filter((o) => o.overdue).length, { page, pages }, visibleEscalations(model.notices, viewer), directory, t);
    return c.html(layout(frameOf(ctx, c, t.obligations.title, "obligations"), body));
  });

  app.get("/traces", async (c) => {
    const viewer = c.get("viewer");
    const t = c.get("t");
    const id = c.req.query("id")?.trim().toLowerCase();
    const holder = id ? await modelFor(model, id) : undefined;
    const found = id && holder ? visibleTraceOf(holder, viewer, id) : undefined;
    if (found) return c.redirect(`/traces/${found.traceId}${found.messageId ? `#m-${found.messageId}` : ""}`, 303);
    const recent = model.recentTraces(25, (r) => canSee(viewer, r)).map((traceId) => {
      const records = model.trace(traceId).filter((r) => canSee(viewer, r));
      return { traceId, first: records[0]!, messages: records.length };
    });
    await shown(c, { kind: "record", purpose: "trace index", records: recent.map((r) => r.first) });
    return c.html(layout(frameOf(ctx, c, t.traces.title, "traces"), traceIndex(recent, directory, t, id || undefined)), id ? 404 : 200);
  });

  app.get("/traces/:id", async (c) => {
    const id = c.req.param("id").toLowerCase();
    const t = c.get("t");
    const holder = await modelFor(model, id);
    const view = traceView(holder ?? model, c.get("viewer"), id);
    if (view.steps.length === 0) {
      return c.html(layout(frameOf(ctx, c, t.traces.notFoundTitle, "traces"), traceIndex([], directory, t, id)), 404);
    }
    await shown(c, { kind: "trace", purpose: "trace", records: view.steps.map((s) => s.record) });
    return c.html(layout(frameOf(ctx, c, t.traces.traceTitle(id.slice(0, 8)), "traces"), tracePage(view, directory, t)));
  });

  app.get("/flows", (c) => {
    const p = c.req.query("period");
    // A chosen window (datetime-local, Belgian time) wins over the preset periods.
    const from = parseBelgianTime(c.req.query("from") ?? "");
    const to = parseBelgianTime(c.req.query("to") ?? "");
    const custom = !Number.isNaN(from);
    const period: Period | "custom" = custom ? "custom" : p && p in PERIODS ? (p as Period) : "24h";
    const span = period === "custom" ? undefined : PERIODS[period];
    const range = custom ? { from, ...(!Number.isNaN(to) ? { to } : {}) } : span ? { from: Date.now() - span } : {};
    const stats = flowStats(model, c.get("viewer"), range);
    const t = c.get("t");
    return c.html(layout(frameOf(ctx, c, t.flows.title, "flows"), flowsPage(stats, period, t, { from: c.req.query("from"), to: c.req.query("to") })));
  });

  return app;
}
