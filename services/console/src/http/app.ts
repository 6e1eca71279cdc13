/**
 * The console's HTTP application (hono): security headers, sign-in (sessions, API tokens, CSRF;
 * the viewpoint is the signed-in person's organisation), the pages, the live streams, the JSON API
 * and the assets. Built without a listening socket so it can be served by
 * `startConsole` or driven directly (`app.request(...)`) by a benchmark.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { csrf } from "hono/csrf";
import { html } from "hono/html";
import { browserScript, FAVICON, stylesheet } from "../assets/assets.ts";
import { layout } from "../views/layout.ts";
import { SchakelError } from "@schakel/contracts";
import { apiRoutes } from "./api.ts";
import { frameOf, type ConsoleContext, type Env } from "./context.ts";
import { authGuard } from "../auth/guard.ts";
import { signInRoutes } from "../auth/sign-in-routes.ts";
import { asSchakelError, errorAnswer, httpStatusOf } from "./errors.ts";
import { LiveStreams, liveRoutes } from "./live.ts";
import { pageRoutes } from "./pages.ts";
import { acknowledgeRoutes } from "./acknowledge-routes.ts";
import { languageMiddleware, languageRoutes } from "./language.ts";
import { FALLBACK_LOCALE, messagesOf } from "../i18n/messages.ts";
import { postRoutes } from "./post-routes.ts";
import { signalRoutes } from "./signal-routes.ts";
import { signalsRoutes } from "./signals-routes.ts";
import { coordinationRoutes } from "./coordination-routes.ts";
import { caseRoutes } from "./case-routes.ts";
import { notificationRoutes } from "./notification-routes.ts";
import { digestRoutes } from "./digest-routes.ts";
import { libraryRoutes } from "./library-routes.ts";
import { glossaryRoutes } from "./glossary-routes.ts";

export interface ConsoleAppOptions {
  /**
   * Host names (without port) the console answers to. A browser page on another site could
   * otherwise reach a console on 127.0.0.1 through DNS rebinding; default: loopback names.
   * Empty = any host (only when deliberately served on a network interface).
   */
  allowedHosts?: string[];
}

export interface ConsoleApp {
  app: Hono<Env>;
  /** Ends every open event stream (on stop). */
  streams: LiveStreams;
}

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];
/** The page policy; a sign-out form is redirected to the provider's logout, so form-action names its origin too. */
const cspOf = (issuerOrigin?: string) =>
  `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'${issuerOrigin ? ` ${issuerOrigin}` : ""}; base-uri 'none'`;

export function createConsoleApp(ctx: ConsoleContext, opts: ConsoleAppOptions = {}): ConsoleApp {
  const app = new Hono<Env>();
  const streams = new LiveStreams();
  const allowed = opts.allowedHosts ?? LOOPBACK;
  const CSP = cspOf(ctx.auth.issuerOrigin);

  app.use("*", async (c, next) => {
    const host = (c.req.header("host") ?? "").replace(/:\d+$/, "");
    if (allowed.length && !allowed.includes(host)) {
      return c.text(`This console answers on ${allowed.join(", ")} only; open it with the address it printed.`, 421);
    }
    await next();
    c.header("Content-Security-Policy", CSP);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Frame-Options", "DENY");
  });
  // A form on another site must not make the console post a notice as a liaison: the browser's
  // origin check first, then each session's CSRF token (authGuard).
  app.use("*", csrf());
  app.use("*", languageMiddleware());
  app.use("*", authGuard(ctx));

  app.get("/assets/console.css", async (c) => {
    const a = await stylesheet();
    return c.body(a.body, 200, { "Content-Type": a.type, "Cache-Control": "no-cache" });
  });
  app.get("/assets/console.js", async (c) => {
    const a = await browserScript();
    return c.body(a.body, 200, { "Content-Type": a.type, "Cache-Control": "no-cache" });
  });
  app.get("/assets/favicon.svg", (c) => c.body(FAVICON.body, 200, { "Content-Type": FAVICON.type }));

  app.route("/", signInRoutes(ctx));
  app.route("/", pageRoutes(ctx));
  app.route("/", postRoutes(ctx));
  app.route("/", acknowledgeRoutes(ctx));
  app.route("/", signalRoutes(ctx));
  app.route("/", signalsRoutes(ctx));
  app.route("/", coordinationRoutes(ctx));
  app.route("/", caseRoutes(ctx));
  app.route("/", notificationRoutes(ctx));
  app.route("/", digestRoutes(ctx));
  app.route("/", libraryRoutes(ctx));
  app.route("/", glossaryRoutes(ctx));
  app.route("/", languageRoutes());
  app.route("/", liveRoutes(ctx, streams));
  app.route("/api", apiRoutes(ctx));

  app.notFound((c) => {
    if (c.req.path.startsWith("/api/")) return errorAnswer(c, new SchakelError("not-found", `no API route ${c.req.method} ${c.req.path}; see /api/health, /api/messages, /api/notices, /api/flows`));
    const t = c.get("t");
    return c.html(layout(frameOf(ctx, c, t.frame.notFound, "overview"), html`<p>${t.frame.notFoundBody(c.req.path)}</p>`), 404);
  });
  app.onError((err, c) => {
    // Refusals raised by middleware (e.g. the cross-site check) keep their own status.
    if (err instanceof HTTPException) return err.getResponse();
    // A Schakel error keeps its code (and so its status); anything else is an unknown failure (500).
    const error = asSchakelError(err, `the console could not answer ${c.req.method} ${c.req.path}`);
    if (c.req.path.startsWith("/api/")) return errorAnswer(c, error);
    const t = c.get("t") ?? messagesOf(FALLBACK_LOCALE);
    return c.html(html`<!doctype html><html lang="${c.get("locale") ?? FALLBACK_LOCALE}"><title>Error · Schakel console</title><h1>${t.errors.title}</h1><p>${error.message}</p><p><a href="/">${t.errors.back}</a></p></html>`, httpStatusOf(error));
  });
  return { app, streams };
}
