/**
 * Acknowledging receipt of a notice from its page, as the signed-in person's organisation when it
 * is a recipient whose credentials the console holds, it has not acknowledged yet, and the
 * person's roles allow acknowledging; the acknowledgement carries the person as actor. The form posts
 * to `POST /notices/:id/acknowledge`; the runtime's `acknowledgeNotice` sends it (the same path
 * the organisation's own service and the CLI use, so acknowledging twice sends nothing new).
 */
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import { actingRole, type Actor } from "@schakel/contracts";
import type { NoticeState } from "../model/notice-book.ts";
import { noticeMatrix as matrixRows, summarise } from "../model/notice-query.ts";
import { canSeeNotice } from "../model/visibility.ts";
import { layout } from "../views/layout.ts";
import { noticeDetail, type AcknowledgeOffer } from "../views/notices.ts";
import { csrfOf, frameOf, type ConsoleContext, type Env } from "./context.ts";
import { deny } from "../auth/denials.ts";
import { asSchakelError, httpStatusOf, type ErrorStatus } from "./errors.ts";
import { whenSeen } from "./action-support.ts";

/** The signed-in person as acknowledger, when their roles allow it. */
function actorOf(c: Context<Env>): Actor | undefined {
  const person = c.get("person");
  const role = person ? actingRole(person.roles, "acknowledge-notice") : undefined;
  return role ? { person: person.id, role } : undefined;
}

/** The organisation that may acknowledge `n` from this request's viewpoint, if any. */
export function acknowledgerOf(ctx: ConsoleContext, c: Context<Env>, n: NoticeState): string | undefined {
  const viewer = c.get("viewer");
  if (!actorOf(c)) return undefined;
  if (!ctx.publisher || viewer.org === n.sender || !ctx.identities.available().includes(viewer.org)) return undefined;
  const row = matrixRows(n, viewer).find((r) => r.org === viewer.org);
  return row && row.acknowledgedAt === undefined && row.state !== "not-visible" ? viewer.org : undefined;
}

/** The body of a notice's page, with the acknowledgement form when the viewpoint may use it. */
export function noticeDetailOf(ctx: ConsoleContext, c: Context<Env>, n: NoticeState, error?: string) {
  const viewer = c.get("viewer");
  const org = acknowledgerOf(ctx, c, n);
  const acknowledge: AcknowledgeOffer | undefined = org ? { org, csrf: csrfOf(c), ...(error ? { error } : {}) } : undefined;
  return noticeDetail(n, matrixRows(n, viewer), summarise(n, viewer).status, ctx.model.directory, c.get("t"), {
    ...(acknowledge ? { acknowledge } : {}), acknowledged: c.req.query("acknowledged") === "1",
  });
}

export function acknowledgeRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();

  app.post("/notices/:id/acknowledge", async (c) => {
    const t = c.get("t");
    const noticeId = c.req.param("id");
    const n = ctx.model.notices.notices.get(noticeId);
    if (!n?.known || !canSeeNotice(c.get("viewer"), n)) {
      return c.html(layout(frameOf(ctx, c, t.notices.notFoundTitle, "notices"), html`<p>${t.notices.notFound(noticeId)}</p>`), 404);
    }
    const org = acknowledgerOf(ctx, c, n);
    const page = (status: ErrorStatus | 409, error: string) => c.html(layout(frameOf(ctx, c, n.title, "notices"), noticeDetailOf(ctx, c, n, error)), status);
    const actor = actorOf(c);
    if (!actor) return deny(c, 403, "role-not-allowed", t.auth.mayNotAcknowledge(c.get("person").roles.join(", ")));
    if (!org || !ctx.publisher) return page(409, `${c.get("viewer").org} cannot acknowledge this notice from this console`);
    if (ctx.busStatus?.down) return page(503, `the bus at ${ctx.busStatus.state.url} cannot be reached; nothing was sent`);
    const body = await c.req.parseBody();
    const remark = typeof body.remark === "string" && body.remark.trim() ? body.remark.trim().slice(0, 500) : undefined;
    try {
      const outcome = await ctx.publisher.acknowledge(org, noticeId, remark, actor);
      if (outcome.outcome === "unknown-notice") return page(409, outcome.message);
    } catch (err) {
      const error = asSchakelError(err, "sending the acknowledgement failed");
      return page(httpStatusOf(error), error.message);
    }
    await whenSeen(ctx.model, () => ctx.model.notices.notices.get(noticeId)?.receipts.get(org)?.acknowledgedAt !== undefined);
    return c.redirect(`/notices/${noticeId}?acknowledged=1`, 303);
  });

  return app;
}
