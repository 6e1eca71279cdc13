/**
 * The JSON API: the same questions the pages ask, for scripts and the benchmark. Every answer
 * is cut to the viewpoint of the signed-in person (or the API token's person) exactly like the
 * pages; `/api/health` alone answers anyone, and says nothing about any organisation's messages. Errors
 * are plain data, their status by code (errors.ts): `{ error: { code, message, retryable, details, fields? } }`.
 */
import { Hono, type Context } from "hono";
import { shownNotices } from "../audit/shown-records.ts";
import type { ShownRead } from "../audit/read-log.ts";
import { SchakelError } from "@schakel/contracts";
import { feedFilterOf } from "../model/feed-query.ts";
import { flowStats, PERIODS, type Period } from "../model/flows.ts";
import type { NoticeState } from "../model/notice-book.ts";
import { NOTICE_PROGRESS, type NoticeProgress } from "@schakel/organisation";
import { noticeMatrix, openObligations, summarise, visibleEscalations, type NoticeSummary } from "../model/notice-query.ts";
import { traceView } from "../model/trace.ts";
import { feedPageWithOlder, modelFor, noticePageWithOlder, olderNotice } from "../model/older-queries.ts";
import { canSeeNotice } from "../model/visibility.ts";
import { noticeSenders } from "../identities.ts";
import { intParam, type ConsoleContext, type Env } from "./context.ts";
import { errorAnswer } from "./errors.ts";

/** A notice without its internal maps, for JSON. */
function noticeJson(n: NoticeState) {
  const { receipts: _receipts, order: _order, known: _known, bodyLeft: _bodyLeft, postedPos: _postedPos, ...rest } = n;
  return rest;
}

function summaryJson(s: NoticeSummary) {
  const n = s.notice;
  return {
    noticeId: n.noticeId, title: n.title, sender: n.sender, category: n.category, postedAt: new Date(n.postedAt).toISOString(),
    ackRequired: n.ackRequired, ackBy: n.ackBy, status: s.status, expected: s.expected, delivered: s.delivered, acknowledged: s.acknowledged,
    overdue: s.overdue, traceId: n.traceId,
  };
}

const notFound = (what: string) => new SchakelError("not-found", `${what} is not visible from this viewpoint: check the id, or sign in as a person of an organisation it concerns`);

export function apiRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const { model } = ctx;
  const directory = model.directory;
  /** The read audit first: an answer with case records or a trace is recorded before it is sent. */
  const shown = (c: Context<Env>, what: ShownRead): Promise<void> => ctx.reads.shown(c.get("person"), what);

  app.get("/health", (c) => c.json({ ok: true, complete: model.complete }));

  app.get("/me", (c) => {
    const p = c.get("person");
    return c.json({ person: p.id, name: p.name, organisation: p.organisation, roles: p.roles, via: c.get("session") ? "session" : "token" });
  });

  app.get("/status", (c) => {
    const s = ctx.busStatus?.state;
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    // Served without a bus (a seeded model): there is nothing to reach.
    if (!s) return c.json({ bus: "none", url: null, since: null, lastMessageAt: null });
    return c.json({ bus: s.bus, url: s.url, since: iso(s.since), lastMessageAt: iso(s.lastMessageAt) });
  });

  app.get("/orgs", (c) => c.json({
    organisations: directory.organisations.map((o) => ({ id: o.id, name: o.name, level: o.level, roles: o.roles })),
    viewer: c.get("viewer").org,
    senders: noticeSenders(ctx.identities),
  }));

  app.get("/messages", async (c) => {
    const before = intParam(c, "before");
    const page = await feedPageWithOlder(model, c.get("viewer"), feedFilterOf(c.req.query(), directory), { ...(before ? { before } : {}), limit: intParam(c, "limit") ?? 50 });
    await shown(c, { kind: "record", purpose: "GET /api/messages", records: page.items });
    return c.json(page);
  });

  app.get("/notices", async (c) => {
    const s = c.req.query("status");
    const status = (NOTICE_PROGRESS as readonly string[]).includes(s ?? "") ? (s as NoticeProgress) : undefined;
    const page = await noticePageWithOlder(model, c.get("viewer"), {
      ...(status ? { status } : {}), ...(c.req.query("sender") ? { sender: c.req.query("sender")! } : {}), ...(c.req.query("q") ? { text: c.req.query("q")! } : {}),
      page: intParam(c, "page") ?? 1, pageSize: intParam(c, "pageSize") ?? 25,
    });
    await shown(c, { kind: "notice", purpose: "GET /api/notices", records: shownNotices(model, page.items.map((s) => s.notice)) });
    return c.json({ ...page, items: page.items.map(summaryJson) });
  });

  app.get("/notices/:id", async (c) => {
    const viewer = c.get("viewer");
    const found = await olderNotice(model, c.req.param("id"));
    const n = found?.notice;
    if (!n || !canSeeNotice(viewer, n)) return errorAnswer(c, notFound(`notice ${c.req.param("id")}`));
    await shown(c, { kind: "notice", purpose: "GET /api/notices/:id", records: shownNotices(found.model, [n]) });
    return c.json({ notice: noticeJson(n), summary: summaryJson(summarise(n, viewer)), matrix: noticeMatrix(n, viewer) });
  });

  app.get("/obligations", (c) => {
    const all = openObligations(model.notices, c.get("viewer"));
    const pageSize = Math.min(intParam(c, "pageSize") ?? 50, 500);
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    const page = Math.min(intParam(c, "page") ?? 1, pages);
    return c.json({ items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length, overdue: all.filter((o) => o.overdue).length, page, pages, pageSize });
  });

  app.get("/escalations", (c) => c.json({ items: visibleEscalations(model.notices, c.get("viewer")) }));

  app.get("/traces/:id", async (c) => {
    const id = c.req.param("id").toLowerCase();
    const view = traceView((await modelFor(model, id)) ?? model, c.get("viewer"), id);
    if (view.steps.length === 0) return errorAnswer(c, notFound(`trace ${c.req.param("id")}`));
    await shown(c, { kind: "trace", purpose: "GET /api/traces/:id", records: view.steps.map((s) => s.record) });
    return c.json(view);
  });

  app.get("/flows", (c) => {
    const p = c.req.query("period");
    const from = Date.parse(c.req.query("from") ?? "");
    const to = Date.parse(c.req.query("to") ?? "");
    const span = p && p in PERIODS ? PERIODS[p as Period] : PERIODS["24h"];
    const range = !Number.isNaN(from) ? { from, ...(!Number.isNaN(to) ? { to } : {}) } : span ? { from: Date.now() - span } : {};
    return c.json(flowStats(model, c.get("viewer"), range));
  });

  app.get("/refused", (c) => {
    if (!c.get("viewer").platform) return errorAnswer(c, new SchakelError("not-allowed", "refused messages are shown to the platform coordinator only"));
    return c.json({ count: model.refusedCount, latest: model.refused });
  });

  return app;
}
