/**
 * Subjects. Every subject string of Schakel is built and parsed here, nowhere else.
 *
 *   coord.<audience>.<sender>.<type…>          live coordination (stream COORD)
 *   case.<audience>.<sender>.case.<…>          case consultation, sealed (stream CASE, shorter retention)
 *   sandbox.<name>.<live subject>              replays for services under development (stream SANDBOX)
 *   deadletter.<consumer org>.<reason>         rejected messages with their reason (stream DEADLETTER)
 *   reads.<org>.<org>.read.recorded            the read audit: who saw what (stream READS)
 *
 * The audience comes first so that "what is addressed to X" is one filter (`coord.X.>`), which
 * the broker enforces per organisation; the sender second so that "publish only as yourself"
 * is one permission (`coord.*.X.>`).
 */
import { SubjectError } from "./errors.ts";

export const ROOTS = { coord: "coord", case: "case", sandbox: "sandbox", deadletter: "deadletter", reads: "reads" } as const;
/** The roots of signed messages: `<root>.<audience>.<sender>.<type>`. */
export type LiveRoot = typeof ROOTS.coord | typeof ROOTS.case | typeof ROOTS.reads;

const TOKEN = /^[a-z][a-z0-9-]{1,39}$/;
const TYPE = /^[a-z]+(\.[a-z]+)+$/;

/**
 * The root a message type lives under: case types are isolated in their own stream, and the read
 * audit's records (`read.*`) in theirs, which only the audit identity reads.
 */
export function rootOfType(type: string): LiveRoot {
  if (type.startsWith("case.")) return ROOTS.case;
  return type.startsWith("read.") ? ROOTS.reads : ROOTS.coord;
}

const LIVE_ROOTS: readonly string[] = [ROOTS.coord, ROOTS.case, ROOTS.reads];

function checkToken(subjectish: string, what: string, token: string): void {
  if (!TOKEN.test(token)) {
    throw new SubjectError(subjectish, `has an invalid ${what} "${token}": use lower-case letters, digits and '-' (2–40 characters)`);
  }
}

/** The live subject of a message: `<root>.<audience>.<sender>.<type>`. */
export function messageSubject(type: string, audience: string, sender: string): string {
  const root = rootOfType(type);
  const subject = `${root}.${audience}.${sender}.${type}`;
  checkToken(subject, "audience", audience);
  checkToken(subject, "sender", sender);
  if (!TYPE.test(type)) throw new SubjectError(subject, `has an invalid type "${type}"`);
  return subject;
}

/** The parts of a live message subject. */
export interface SubjectParts {
  root: LiveRoot;
  audience: string;
  sender: string;
  type: string;
}

/** Parses a live subject; throws SubjectError naming what is wrong. */
export function parseMessageSubject(subject: string): SubjectParts {
  const tokens = subject.split(".");
  const [root, audience, sender, ...typeTokens] = tokens;
  if (!LIVE_ROOTS.includes(root ?? "")) {
    throw new SubjectError(subject, `does not start with "coord.", "case." or "reads."`);
  }
  if (audience === undefined || sender === undefined || typeTokens.length < 2) {
    throw new SubjectError(subject, "needs <root>.<audience>.<sender>.<type>, e.g. coord.mechelen.fed-ocam.notice.posted");
  }
  checkToken(subject, "audience", audience);
  checkToken(subject, "sender", sender);
  const type = typeTokens.join(".");
  if (!TYPE.test(type)) throw new SubjectError(subject, `has an invalid type "${type}"`);
  if (rootOfType(type) !== root) throw new SubjectError(subject, `puts type "${type}" under the wrong root "${root}"`);
  return { root: root as LiveRoot, audience, sender, type };
}

/**
 * The type part of a live subject (`<root>.<audience>.<sender>.<type>`) as written, without checking
 * it ("" when the subject is shorter): for filtering stored messages that the decode path judges later.
 */
export function typeInSubject(subject: string): string {
  return subject.split(".").slice(3).join(".");
}

/** Filters: everything addressed to one audience, on the coordination or the case root. */
export function audienceFilter(audience: string, root: LiveRoot = ROOTS.coord): string {
  checkToken(`${root}.${audience}.>`, "audience", audience);
  return `${root}.${audience}.>`;
}

/** Filter of everything an organisation may publish on one root (permission `coord.*.<org>.>`). */
export function senderFilter(org: string, root: LiveRoot = ROOTS.coord): string {
  checkToken(`${root}.*.${org}.>`, "sender", org);
  return `${root}.*.${org}.>`;
}

/** A filter for a type glob like `notice.*` across all audiences and senders of one root. */
export function typeFilter(typeGlob: string): string {
  return `${rootOfType(typeGlob)}.*.*.${typeGlob}`;
}

/** Everything on the live roots. */
export const ALL_COORD = `${ROOTS.coord}.>`;
export const ALL_CASE = `${ROOTS.case}.>`;

/** The sandbox copy of a live subject, for replay into namespace `name`. */
export function sandboxSubject(name: string, liveSubject: string): string {
  checkToken(`${ROOTS.sandbox}.${name}`, "sandbox name", name);
  parseMessageSubject(liveSubject);
  return `${ROOTS.sandbox}.${name}.${liveSubject}`;
}

/** True for a subject of the sandbox root (`sandbox.<name>.<live subject>`): a replayed copy, never a live message. */
export function isSandboxSubject(subject: string): boolean {
  return subject.startsWith(`${ROOTS.sandbox}.`);
}

/** Filter of one sandbox namespace. */
export function sandboxFilter(name: string): string {
  checkToken(`${ROOTS.sandbox}.${name}.>`, "sandbox name", name);
  return `${ROOTS.sandbox}.${name}.>`;
}

/** Strips `sandbox.<name>.` and returns the sandbox name and the live subject it mirrors. */
export function parseSandboxSubject(subject: string): { name: string; liveSubject: string } {
  const tokens = subject.split(".");
  if (tokens[0] !== ROOTS.sandbox || tokens.length < 6) {
    throw new SubjectError(subject, `is not a sandbox subject (sandbox.<name>.<live subject>)`);
  }
  const liveSubject = tokens.slice(2).join(".");
  parseMessageSubject(liveSubject);
  return { name: tokens[1]!, liveSubject };
}

/** Where the consuming organisation `org` files a rejected message. */
export function deadLetterSubject(org: string, reason: string): string {
  checkToken(`${ROOTS.deadletter}.${org}`, "organisation", org);
  const code = reason.replace(/[^a-z0-9-]/g, "-").slice(0, 40) || "unknown";
  return `${ROOTS.deadletter}.${org}.${code}`;
}

export const ALL_DEADLETTER = `${ROOTS.deadletter}.>`;
/** Every read record (the audit identity's filter on READS). */
export const ALL_READS = `${ROOTS.reads}.>`;

/**
 * The one subject filter an organisation records its reads on: `reads.<org>.<org>.>`, addressed
 * to itself (its own audit trail) and sent by itself. The broker lets each organisation publish
 * here only; no organisation may read READS.
 */
export function readsFilter(org: string): string {
  checkToken(`${ROOTS.reads}.${org}`, "organisation", org);
  return `${ROOTS.reads}.${org}.${org}.>`;
}
export const ALL_SANDBOX = `${ROOTS.sandbox}.>`;

/** Filter of the dead letters filed by one organisation. */
export function deadLetterFilter(org: string): string {
  return `${ROOTS.deadletter}.${org}.>`;
}

/** The reply-inbox prefix of an organisation: each has its own, `_INBOX.>` is denied to all. */
export function inboxPrefix(org: string): string {
  checkToken(`_INBOX_${org}`, "organisation", org);
  return `_INBOX_${org}`;
}

/** NATS subject matching: `*` is one token, `>` the rest (also for KV keys, which are subjects). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split(".");
  const s = subject.split(".");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === ">") return s.length > i;
    if (i >= s.length || (f[i] !== "*" && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}
