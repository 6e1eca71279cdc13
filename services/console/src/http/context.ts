/**
 * What the HTTP layer works with: the read model, the identities, the publisher, and the
 * viewpoint of the current request. The viewpoint is chosen with `?as=<org>` (remembered in a
 * cookie) among the organisations whose credentials the console holds; by default it is the
 * platform coordinator the console reads the bus as.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { SchakelError } from "@schakel/contracts";
import type { Locale, Messages } from "../i18n/messages.ts";
import type { IdentitySource } from "../identities.ts";
import type { BusStatus } from "../ingest/bus-status.ts";
import type { ReadModel } from "../model/read-model.ts";
import { viewpointOf, type Viewpoint } from "../model/visibility.ts";
import type { NoticePublisher } from "../post/publisher.ts";
import type { Frame, NavKey } from "../views/layout.ts";
import { errorAnswer } from "./errors.ts";

export interface ConsoleContext {
  model: ReadModel;
  identities: IdentitySource;
  /** The platform organisation the console reads as (the default viewpoint). */
  platform: string;
  /** Absent when the console runs without a bus (seeded for a benchmark): posting is refused. */
  publisher?: NoticePublisher;
  /** Whether the bus is reachable; absent when the console runs without a bus. */
  busStatus?: BusStatus;
}

export type Env = { Variables: { viewer: Viewpoint; locale: Locale; t: Messages } };

export const VIEW_COOKIE = "schakel_view";

/** Organisations a user may view as: the platform and those whose credentials are here. */
export function viewerChoices(ctx: ConsoleContext): { id: string; name: string }[] {
  const ids = new Set([ctx.platform, ...ctx.identities.available()]);
  return ctx.identities.directory.organisations.filter((o) => ids.has(o.id)).map((o) => ({ id: o.id, name: o.name }));
}

/**
 * Resolves the viewpoint: `?as=` (remembered), else the cookie, else the platform. An `as` the
 * console cannot view as is refused — silently falling back to the platform would show a
 * mistyped organisation everything.
 */
export function viewerMiddleware(ctx: ConsoleContext): MiddlewareHandler<Env> {
  return async (c, next) => {
    const allowed = new Set(viewerChoices(ctx).map((v) => v.id));
    const asked = c.req.query("as");
    let org = ctx.platform;
    if (asked !== undefined && !allowed.has(asked)) {
      const message = `cannot view as "${asked}": choose one of ${[...allowed].join(", ")}`;
      return c.req.path.startsWith("/api/") ? errorAnswer(c, new SchakelError("unknown-organisation", message, { as: asked })) : c.text(message, 400);
    }
    if (asked) {
      org = asked;
      setCookie(c, VIEW_COOKIE, asked, { path: "/", sameSite: "Strict", httpOnly: true });
    } else {
      const remembered = getCookie(c, VIEW_COOKIE);
      if (remembered && allowed.has(remembered)) org = remembered;
    }
    c.set("viewer", viewpointOf(ctx.identities.directory, org));
    await next();
  };
}

/** The frame of a page for this request. */
export function frameOf(ctx: ConsoleContext, c: Context<Env>, title: string, active: NavKey): Frame {
  const url = new URL(c.req.url);
  // The viewpoint switch returns here; a stale `as` would undo the switch.
  url.searchParams.delete("as");
  return {
    title, active, viewer: c.get("viewer"), viewers: viewerChoices(ctx), locale: c.get("locale"), t: c.get("t"),
    complete: ctx.model.complete, path: url.pathname + url.search,
    ...(ctx.busStatus ? { bus: ctx.busStatus.state } : {}),
  };
}

/** A positive integer query parameter, or undefined. */
export function intParam(c: Context, name: string): number | undefined {
  const v = Number(c.req.query(name));
  return Number.isInteger(v) && v > 0 ? v : undefined;
}
