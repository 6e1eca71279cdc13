/**
 * The console's server-side sessions: a signed-in person is a record here, found by a random
 * 256-bit id in the `schakel_session` cookie (HttpOnly, SameSite=Lax; Secure over https). The
 * cookie carries no claim of its own, so a changed cookie finds nothing. A session ends after 8
 * hours whatever happens, after 60 minutes without a request, and at logout. The pending sign-ins
 * (PKCE verifier, state, nonce) are kept here too, for 10 minutes and one use.
 */
import { randomBytes } from "node:crypto";
import type { Person, PersonRole } from "@schakel/contracts";

export const SESSION_COOKIE = "schakel_session";
export const PENDING_COOKIE = "schakel_signin";

/** A session's absolute life and its idle timeout, by default. */
export const SESSION_MAX_AGE_MS = 8 * 60 * 60_000;
export const SESSION_IDLE_MS = 60 * 60_000;
/** How long a started sign-in may take at the provider. */
export const PENDING_SIGN_IN_MS = 10 * 60_000;

export interface Session {
  id: string;
  person: string;
  name: string;
  organisation: string;
  roles: PersonRole[];
  /** The token every state-changing request of this session carries (`_csrf` or `X-CSRF-Token`). */
  csrf: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  /** The provider's ID token, for its logout (`id_token_hint`). */
  idToken?: string;
}

/** What a sign-in keeps between `/login` and `/auth/callback`. */
export interface PendingSignIn {
  codeVerifier: string;
  state: string;
  nonce: string;
  /** The console page to return to. */
  back: string;
  expiresAt: number;
}

export interface SessionLimits {
  maxAgeMs?: number;
  idleMs?: number;
  /** The clock (tests move it forward to expire a session); default Date.now. */
  now?: () => number;
}

export const randomId = (): string => randomBytes(32).toString("base64url");

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly pending = new Map<string, PendingSignIn>();
  readonly maxAgeMs: number;
  readonly idleMs: number;
  readonly now: () => number;

  constructor(limits: SessionLimits = {}) {
    this.maxAgeMs = limits.maxAgeMs ?? SESSION_MAX_AGE_MS;
    this.idleMs = limits.idleMs ?? SESSION_IDLE_MS;
    this.now = limits.now ?? Date.now;
  }

  /** Opens a session for `person`. */
  open(person: Person, idToken?: string): Session {
    this.sweep();
    const now = this.now();
    const session: Session = {
      id: randomId(), person: person.id, name: person.name, organisation: person.organisation, roles: [...person.roles], csrf: randomId(),
      createdAt: now, expiresAt: now + this.maxAgeMs, lastSeenAt: now, ...(idToken ? { idToken } : {}),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (and marks it used), or why there is none. */
  find(id: string | undefined): { session: Session } | { reason: "none" | "expired" | "idle" } {
    if (!id) return { reason: "none" };
    const s = this.sessions.get(id);
    if (!s) return { reason: "none" };
    const now = this.now();
    if (now >= s.expiresAt || now - s.lastSeenAt >= this.idleMs) {
      this.sessions.delete(id);
      return { reason: now >= s.expiresAt ? "expired" : "idle" };
    }
    s.lastSeenAt = now;
    return { session: s };
  }

  /** Ends a session (logout); returns it when it existed. */
  end(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    this.sessions.delete(id);
    return s;
  }

  /** Keeps a started sign-in; returns the key for its cookie. */
  begin(p: Omit<PendingSignIn, "expiresAt">): string {
    this.sweep();
    const key = randomId();
    this.pending.set(key, { ...p, expiresAt: this.now() + PENDING_SIGN_IN_MS });
    return key;
  }

  /** Takes a started sign-in out (one use only: a replayed callback finds nothing). */
  take(key: string | undefined): PendingSignIn | undefined {
    if (!key) return undefined;
    const p = this.pending.get(key);
    this.pending.delete(key);
    return p && p.expiresAt > this.now() ? p : undefined;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Drops what has expired, so abandoned sign-ins and sessions do not pile up. */
  private sweep(): void {
    const now = this.now();
    for (const [k, s] of this.sessions) if (now >= s.expiresAt || now - s.lastSeenAt >= this.idleMs) this.sessions.delete(k);
    for (const [k, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(k);
  }
}
