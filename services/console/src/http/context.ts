/**
 * What the HTTP layer works with: the read model, the identities, the publisher, sign-in, and the
 * signed-in person of the current request. The viewpoint is the person's organisation, nothing
 * else: there is no way to ask for another one.
 */
import type { Context } from "hono";
import type { Person } from "@schakel/contracts";
import type { Locale, Messages } from "../i18n/messages.ts";
import type { IdentitySource } from "../identities.ts";
import type { BusStatus } from "../ingest/bus-status.ts";
import type { ReadModel } from "../model/read-model.ts";
import type { Viewpoint } from "../model/visibility.ts";
import type { NoticePublisher } from "../post/publisher.ts";
import type { RecentPosts } from "../post/recent-posts.ts";
import type { Frame, NavKey } from "../views/layout.ts";
import type { PersonsSource } from "../auth/people.ts";
import type { RelyingParty } from "../auth/relying-party.ts";
import type { Session, SessionStore } from "../auth/sessions.ts";
import type { ConsoleReadLog } from "../audit/read-log.ts";
import type { CaseWork } from "./case-work.ts";

/** Sign-in as the HTTP layer sees it. */
export interface ConsoleAuth {
  sessions: SessionStore;
  persons: PersonsSource;
  /** Organisations whose persons this console serves (those whose keys it holds). */
  held: () => readonly string[];
  /** The provider; absent: API tokens only. */
  oidc?: RelyingParty;
  /** The provider's origin: sign-out forms are redirected there (the page's form-action allows it). */
  issuerOrigin?: string;
  /** The demo: the header offers to sign in as another demo person. */
  demo: boolean;
  /** The API token file; absent: no token is accepted. */
  apiTokens?: string;
  /** The console's own URL (known once it listens), e.g. http://127.0.0.1:8480/ */
  baseUrl: () => string;
  /** `<baseUrl>auth/callback`, the redirect URI registered at the provider. */
  redirectUri: () => string;
  /** Whether cookies are Secure (the console is served over https). */
  secure: () => boolean;
}

export interface ConsoleContext {
  model: ReadModel;
  identities: IdentitySource;
  /** The platform organisation the console reads as. */
  platform: string;
  auth: ConsoleAuth;
  /** Absent when the console runs without a bus (seeded for a benchmark): posting is refused. */
  publisher?: NoticePublisher;
  /** Whether the bus is reachable; absent when the console runs without a bus. */
  busStatus?: BusStatus;
  /** The read audit: what a person is shown of case records, traces and exports is recorded first. */
  reads: ConsoleReadLog;
  /** Case work in the organisations' own buckets (the case pages); absent when the console runs without a bus. */
  caseWork?: CaseWork;
  /** The notices this console posted lately; absent when the console runs without a bus. */
  recentPosts?: RecentPosts;
}

export type Env = {
  Variables: {
    viewer: Viewpoint; locale: Locale; t: Messages;
    /** The signed-in person (or the API token's). */
    person: Person;
    /** The browser session; absent for an API token. */
    session: Session | undefined;
  };
};

/** The frame of a page for this request. */
export function frameOf(ctx: ConsoleContext, c: Context<Env>, title: string, active: NavKey): Frame {
  const url = new URL(c.req.url);
  const session = c.get("session");
  return {
    title, active, viewer: c.get("viewer"), locale: c.get("locale"), t: c.get("t"),
    complete: ctx.model.complete, path: url.pathname + url.search,
    ...(c.get("person") ? { person: c.get("person"), caseWork: ctx.caseWork?.inNavigation(c.get("person")) ?? false } : {}),
    ...(session ? { csrf: session.csrf } : {}),
    demo: ctx.auth.demo,
    ...(ctx.busStatus ? { bus: ctx.busStatus.state } : {}),
  };
}

/** The session's CSRF token, for a form (empty for an API token: no form is shown then). */
export const csrfOf = (c: Context<Env>): string => c.get("session")?.csrf ?? "";

/** A positive integer query parameter, or undefined. */
export function intParam(c: Context, name: string): number | undefined {
  const v = Number(c.req.query(name));
  return Number.isInteger(v) && v > 0 ? v : undefined;
}
