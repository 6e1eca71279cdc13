/**
 * How the console refuses a request it cannot or may not answer: JSON for the API
 * (`{ error: { code, message, retryable } }`), a short page for a browser with a way on (sign in
 * again, or sign out). 401 when nobody is signed in (or the sign-in failed), 403 when the signed-in
 * person may not do this.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { FALLBACK_LOCALE, messagesOf } from "../i18n/messages.ts";
import type { Env } from "../http/context.ts";

export type DenialCode =
  | "unauthenticated" | "session-expired" | "sign-in-failed"
  | "unknown-person" | "disabled-person" | "organisation-not-held" | "csrf" | "role-not-allowed";

export const isApiPath = (path: string): boolean => path === "/api" || path.startsWith("/api/");

/** The refusal, as JSON on /api and as a page elsewhere. */
export function deny(c: Context<Env>, status: 401 | 403, code: DenialCode, message: string): Response | Promise<Response> {
  c.header("Cache-Control", "no-store");
  if (isApiPath(c.req.path)) return c.json({ error: { code, message, retryable: false } }, status);
  const t = c.get("t") ?? messagesOf(FALLBACK_LOCALE);
  const title = status === 401 ? t.auth.signInTitle : t.auth.deniedTitle;
  const page = html`<!doctype html><html lang="${c.get("locale") ?? FALLBACK_LOCALE}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Schakel console</title><link rel="stylesheet" href="/assets/console.css"><link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"></head>
<body><main id="main" class="denied"><h1>${title}</h1><p data-denial="${code}">${message}</p>
${status === 401 ? html`<p><a href="/login">${t.auth.signIn}</a></p>` : html`<form method="post" action="/logout"><button type="submit">${t.frame.logout}</button></form>`}</main></body></html>`;
  return c.html(page, status);
}
