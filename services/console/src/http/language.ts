/**
 * The language of each request: chosen with the switch in the header (`GET /language`, kept in
 * a cookie), else from the browser's `Accept-Language`, else English — see `chooseLocale`, which a
 * signed-in person's preference will override once people exist. Sets `locale` and `t` (the
 * catalog) for the pages.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { chooseLocale } from "../i18n/choose-locale.ts";
import { isLocale, messagesOf } from "../i18n/messages.ts";
import type { Env } from "./context.ts";

export const LANGUAGE_COOKIE = "schakel_lang";
const YEAR_S = 365 * 24 * 3600;

export function languageMiddleware(): MiddlewareHandler<Env> {
  return async (c, next) => {
    const locale = chooseLocale({ chosen: getCookie(c, LANGUAGE_COOKIE), acceptLanguage: c.req.header("accept-language") });
    c.set("locale", locale);
    c.set("t", messagesOf(locale));
    await next();
  };
}

/** `GET /language?lang=nl&back=/feed`: remembers the choice and returns to the page (never elsewhere). */
export function languageRoutes(): Hono<Env> {
  const app = new Hono<Env>();
  app.get("/language", (c) => {
    const lang = c.req.query("lang");
    if (isLocale(lang)) setCookie(c, LANGUAGE_COOKIE, lang, { path: "/", sameSite: "Strict", httpOnly: true, maxAge: YEAR_S });
    const back = c.req.query("back") ?? "/";
    return c.redirect(/^\/(?![/\\])/.test(back) ? back : "/", 303);
  });
  return app;
}
