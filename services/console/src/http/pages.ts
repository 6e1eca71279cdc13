/** The HTML pages: each route asks the read model for one page of data and renders it. */
import { Hono } from "hono";
import { html } from "hono/html";
import { feedFilterOf, feedPage } from "../model/feed-query.ts";
import { flowStats, PERIODS, type Period } from "../model/flows.ts";
import { NOTICE_PROGRESS, type NoticeProgress } from "@schakel/organisation";
import { noticePage, noticeMatrix as matrixRows, openObligations, summarise, visibleEscalations } from "../model/notice-query.ts";
import { traceView } from "../model/trace.ts";
import { canSee, canSeeNotice } from "../model/visibility.ts";
import { feedPage as feedView } from "../views/feed.ts";
import { flowsPage } from "../views/flows.ts";
import { layout } from "../views/layout.ts";
import { noticeDetail, noticeList } from "../views/notices.ts";
import { obligationsPage } from "../views/obligations.ts";
import { overviewPage } from "../views/overview.ts";
import { traceIndex, tracePage } from "../views/trace.ts";
import { frameOf, intParam, type ConsoleContext, type Env } from "./context.ts";

const TRACE_ID = /^[0-9a-f]{32}$/;
const OBLIGATIONS_PER_PAGE = 50;

export function pageRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const { model } = ctx;
  const directory = model.directory;

  app.get("/", (c) => {
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
    return c.html(layout(frameOf(ctx, c, "Overview", "overview"), overviewPage({ viewer, figures, latest, oldest: obligations.slice(0, 5), levelPairs: stats.levelPairs, directory })));
  });

  app.get("/feed", (c) => {
    const filter = feedFilterOf(c.req.query(), directory);
    const before = intParam(c, "before");
    const page = feedPage(model, c.get("viewer"), filter, { ...(before ? { before } : {}), limit: 50 });
    return c.html(layout(frameOf(ctx, c, "Live feed", "feed"), feedView(page, filter, directory, { live: before === undefined })));
  });

  app.get("/notices", (c) => {
    const statusParam = c.req.query("status");
    const status = (NOTICE_PROGRESS as readonly string[]).includes(statusParam ?? "") ? (statusParam as NoticeProgress) : undefined;
    const sender = c.req.query("sender") || undefined;
    const text = c.req.query("q") || undefined;
    const q = { ...(status ? { status } : {}), ...(sender ? { sender } : {}), ...(text ? { text } : {}), page: intParam(c, "page") ?? 1, pageSize: 25 };
    const page = noticePage(model.notices, c.get("viewer"), q);
    const senders = directory.organisations.filter((o) => o.roles.includes("liaison") || o.roles.includes("platform")).map((o) => o.id);
    return c.html(layout(frameOf(ctx, c, "Notices", "notices"), noticeList(page, q, senders)));
  });

  app.get("/notices/:id", (c) => {
    const viewer = c.get("viewer");
    const n = model.notices.notices.get(c.req.param("id"));
    if (!n?.known || !canSeeNotice(viewer, n)) {
      return c.html(layout(frameOf(ctx, c, "Notice not found", "notices"), html`<p>No notice with id <code>${c.req.param("id")}</code> is visible from this viewpoint. It may still be on its way, or addressed to others: <a href="/notices">see all notices</a>.</p>`), 404);
    }
    return c.html(layout(frameOf(ctx, c, n.title, "notices"), noticeDetail(n, matrixRows(n, viewer), summarise(n, viewer).status, directory)));
  });

  app.get("/obligations", (c) => {
    const viewer = c.get("viewer");
    const all = openObligations(model.notices, viewer);
    const pages = Math.max(1, Math.ceil(all.length / OBLIGATIONS_PER_PAGE));
    const page = Math.min(intParam(c, "page") ?? 1, pages);
    const items = all.slice((page - 1) * OBLIGATIONS_PER_PAGE, page * OBLIGATIONS_PER_PAGE);
    const body = obligationsPage(items, all.length, all.filter((o) => o.overdue).length, { page, pages }, visibleEscalations(model.notices, viewer), directory);
    return c.html(layout(frameOf(ctx, c, "Obligations and escalations", "obligations"), body));
  });

  app.get("/traces", (c) => {
    const viewer = c.get("viewer");
    const id = c.req.query("id")?.trim().toLowerCase();
    if (id && TRACE_ID.test(id) && model.trace(id).some((r) => canSee(viewer, r))) return c.redirect(`/traces/${id}`, 303);
    const recent = model.recentTraces(25, (r) => canSee(viewer, r)).map((traceId) => {
      const records = model.trace(traceId).filter((r) => canSee(viewer, r));
      return { traceId, first: records[0]!, messages: records.length };
    });
    return c.html(layout(frameOf(ctx, c, "Traces", "traces"), traceIndex(recent, directory, id || undefined)), id ? 404 : 200);
  });

  app.get("/traces/:id", (c) => {
    const id = c.req.param("id").toLowerCase();
    const view = traceView(model, c.get("viewer"), id);
    if (view.steps.length === 0) {
      return c.html(layout(frameOf(ctx, c, "Trace not found", "traces"), traceIndex([], directory, id)), 404);
    }
    return c.html(layout(frameOf(ctx, c, `Trace ${id.slice(0, 8)}…`, "traces"), tracePage(view, directory)));
  });

  app.get("/flows", (c) => {
    const p = c.req.query("period");
    // A chosen window (datetime-local, this machine's time zone) wins over the preset periods.
    const from = Date.parse(c.req.query("from") ?? "");
    const to = Date.parse(c.req.query("to") ?? "");
    const custom = !Number.isNaN(from);
    const period: Period | "custom" = custom ? "custom" : p && p in PERIODS ? (p as Period) : "24h";
    const span = period === "custom" ? undefined : PERIODS[period];
    const range = custom ? { from, ...(!Number.isNaN(to) ? { to } : {}) } : span ? { from: Date.now() - span } : {};
    const stats = flowStats(model, c.get("viewer"), range);
    return c.html(layout(frameOf(ctx, c, "Flow map", "flows"), flowsPage(stats, period, { from: c.req.query("from"), to: c.req.query("to") })));
  });

  app.get("/view", (c) => {
    const back = c.req.query("back") ?? "/";
    // Only paths of this console: never an open redirect.
    return c.redirect(/^\/(?![/\\])/.test(back) ? back : "/", 303);
  });

  return app;
}
