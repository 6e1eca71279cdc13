/**
 * The sign-in routes: `GET /login` sends the browser to the provider (code flow, PKCE S256, state,
 * nonce; what the callback needs stays here, keyed by a short-lived cookie), `GET /auth/callback`
 * redeems the code once and opens a session for the person the ID token names (if the persons file
 * and this console allow them), `POST /logout` (CSRF) ends the session and then the provider's.
 */
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ConsoleContext, Env } from "../http/context.ts";
import { deny } from "./denials.ts";
import { checkPerson } from "./people.ts";
import { PENDING_COOKIE, PENDING_SIGN_IN_MS, SESSION_COOKIE } from "./sessions.ts";

/** Only paths of this console: never an open redirect. */
export const localPath = (back: string | undefined): string => (back && /^\/(?![/\\])/.test(back) ? back : "/");

export function signInRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const { auth } = ctx;
  const cookie = (c: Context<Env>, name: string, value: string, maxAgeS: number) =>
    setCookie(c, name, value, { path: "/", httpOnly: true, sameSite: "Lax", secure: auth.secure(), maxAge: maxAgeS });

  app.get("/login", async (c) => {
    if (!auth.oidc) return deny(c, 401, "unauthenticated", "this console signs nobody in through a browser (API tokens only): send a person's API token");
    const redirectUri = auth.redirectUri();
    const started = await auth.oidc.start(redirectUri);
    const key = auth.sessions.begin({ codeVerifier: started.codeVerifier, state: started.state, nonce: started.nonce, back: localPath(c.req.query("back")) });
    cookie(c, PENDING_COOKIE, key, PENDING_SIGN_IN_MS / 1000);
    c.header("Cache-Control", "no-store");
    return c.redirect(started.url, 302);
  });

  app.get("/auth/callback", async (c) => {
    if (!auth.oidc) return deny(c, 401, "unauthenticated", "this console signs nobody in through a browser");
    // One use: a replayed or forged callback finds nothing to finish.
    const pending = auth.sessions.take(getCookie(c, PENDING_COOKIE));
    deleteCookie(c, PENDING_COOKIE, { path: "/" });
    if (!pending) return deny(c, 401, "sign-in-failed", "this sign-in was already used, has expired, or was not started here: sign in again");
    const error = c.req.query("error");
    if (error) return deny(c, 401, "sign-in-failed", `the identity provider refused the sign-in (${error}${c.req.query("error_description") ? `: ${c.req.query("error_description")}` : ""}): sign in again`);
    let signed: { personId: string; idToken?: string };
    try {
      signed = await auth.oidc.finish(new URL(c.req.url), auth.redirectUri(), pending);
    } catch (err) {
      return deny(c, 401, "sign-in-failed", `the sign-in could not be completed (${(err as Error).message}): sign in again`);
    }
    const person = checkPerson(auth.persons, auth.held(), signed.personId);
    if (!person.ok) return deny(c, 403, person.reason, person.message);
    const session = auth.sessions.open(person.person, signed.idToken);
    cookie(c, SESSION_COOKIE, session.id, Math.floor(auth.sessions.maxAgeMs / 1000));
    return c.redirect(pending.back, 303);
  });

  app.post("/logout", async (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    const found = auth.sessions.find(id);
    if ("session" in found) {
      const body = await c.req.parseBody();
      const sent = c.req.header("x-csrf-token") ?? (typeof body._csrf === "string" ? body._csrf : undefined);
      if (sent !== found.session.csrf) return deny(c, 403, "csrf", "the sign-out lacks this session's CSRF token: reload the page and sign out again");
    }
    const ended = auth.sessions.end(id);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    const next = c.req.query("next") === "login" ? "/login" : "/login?signedOut=1";
    const providerLogout = ended && auth.oidc ? await auth.oidc.endSessionUrl(auth.baseUrl(), ended.idToken) : undefined;
    // The provider ends its own session and returns to the console, which asks to sign in again.
    return c.redirect(providerLogout ?? next, 303);
  });

  return app;
}
