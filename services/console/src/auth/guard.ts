/**
 * The console's gate: every request is of a signed-in person (a session cookie) or carries a
 * person's API token (`Authorization: Bearer`), except the assets, the sign-in routes and
 * `GET /api/health`. The person is checked against the persons file at every request; their
 * organisation becomes the viewpoint, the only one they get. Every state-changing request of a
 * session carries its CSRF token (`_csrf` field or `X-CSRF-Token` header); a bearer token is not
 * sent by a browser on its own, so a token request needs none.
 */
import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { checkApiToken } from "@schakel/infra";
import { viewpointOf } from "../model/visibility.ts";
import type { ConsoleContext, Env } from "../http/context.ts";
import { deny, isApiPath } from "./denials.ts";
import { checkPerson } from "./people.ts";
import { SESSION_COOKIE } from "./sessions.ts";

/** Routes anyone may reach. */
function isPublic(method: string, path: string): boolean {
  if (path.startsWith("/assets/")) return true;
  if (method === "GET" && (path === "/login" || path === "/auth/callback" || path === "/api/health" || path === "/language")) return true;
  return path === "/logout";
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const sameToken = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The CSRF token a request carries: the header, else the form field. */
async function csrfOf(c: Parameters<MiddlewareHandler<Env>>[0]): Promise<string | undefined> {
  const header = c.req.header("x-csrf-token");
  if (header) return header;
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) return undefined;
  // hono keeps the parsed body, so the route reads the same form again.
  const body = await c.req.parseBody({ all: true });
  const v = body._csrf;
  return typeof v === "string" ? v : undefined;
}

export function authGuard(ctx: ConsoleContext): MiddlewareHandler<Env> {
  const { auth } = ctx;
  return async (c, next) => {
    if (isPublic(c.req.method, c.req.path)) return next();
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    let personId: string;
    if (bearer !== undefined) {
      const check = auth.apiTokens ? checkApiToken(auth.apiTokens, bearer) : { ok: false as const, reason: "unknown" as const };
      if (!check.ok) return deny(c, 401, "unauthenticated", `the API token is ${check.reason}: issue a new one with "schakel persons token <person>"`);
      personId = check.entry.person;
    } else {
      const found = auth.sessions.find(getCookie(c, SESSION_COOKIE));
      if (!("session" in found)) {
        if (found.reason !== "none") deleteCookie(c, SESSION_COOKIE, { path: "/" });
        const expired = found.reason !== "none";
        const message = expired ? "your session has ended (signed in too long ago, or idle too long): sign in again" : "sign in first, or send a person's API token (Authorization: Bearer …)";
        if (!isApiPath(c.req.path) && SAFE_METHODS.has(c.req.method) && auth.oidc) {
          return c.redirect(`/login?back=${encodeURIComponent(c.req.path + (new URL(c.req.url).search))}`, 303);
        }
        return deny(c, 401, expired ? "session-expired" : "unauthenticated", message);
      }
      const session = found.session;
      personId = session.person;
      if (!SAFE_METHODS.has(c.req.method)) {
        const sent = await csrfOf(c);
        if (!sent || !sameToken(sent, session.csrf)) {
          return deny(c, 403, "csrf", "the request lacks this session's CSRF token (reload the page and try again); nothing was done");
        }
      }
      c.set("session", session);
    }
    const person = checkPerson(auth.persons, auth.held(), personId);
    if (!person.ok) {
      const s = c.get("session");
      if (s) auth.sessions.end(s.id);
      return deny(c, 403, person.reason, person.message);
    }
    c.set("person", person.person);
    c.set("viewer", viewpointOf(ctx.identities.directory, person.person.organisation));
    await next();
  };
}
