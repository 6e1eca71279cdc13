/**
 * Names for traceability: the trace index's KV keys, the sandbox consumers replays are read
 * through, and the low-cardinality destination templates that name messaging spans. Built here,
 * with the other subjects, so no service writes them by hand.
 */
import { SubjectError } from "./errors.ts";
import { STREAMS, type InboxConsumer } from "./streams.ts";
import { rootOfType, ROOTS, sandboxFilter } from "./subjects.ts";

const TRACE_ID = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /^[a-z][a-z0-9-]{1,39}$/;

function checked(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new SubjectError(value, `is not a valid ${what}`);
  return value;
}

/**
 * KV keys of the trace index (bucket `traces`):
 * - `trace.<traceId>` the first page of a trace's messages, `trace.<traceId>.<n>` its later pages;
 * - `msg.<messageId>` and `notice.<noticeId>` point at the trace they belong to.
 * Throws SubjectError when an id has the wrong shape (so a typo never becomes a wildcard).
 */
export const TRACE_KEYS = {
  trace: (traceId: string, page = 0): string =>
    page === 0 ? `trace.${checked(traceId, TRACE_ID, "trace id")}` : `trace.${checked(traceId, TRACE_ID, "trace id")}.${page}`,
  message: (id: string): string => `msg.${checked(id, UUID, "message id")}`,
  notice: (noticeId: string): string => `notice.${checked(noticeId, UUID, "notice id")}`,
} as const;

/** True for a W3C trace id (32 lower-case hex). */
export const isTraceId = (id: string): boolean => TRACE_ID.test(id) && !/^0{32}$/.test(id);
/** True for a message, notice or other business id (lower-case UUID). */
export const isMessageUuid = (id: string): boolean => UUID.test(id);

/** The durable consumer a service under development reads sandbox `name` through. */
export function sandboxConsumer(name: string): InboxConsumer {
  checked(name, TOKEN, "sandbox name (2–40 lower-case letters, digits, '-')");
  return { stream: STREAMS.sandbox.name, name: `sandbox--${name}`, filter: sandboxFilter(name) };
}

/**
 * The destination template of a message type, e.g. `coord.{audience}.{sender}.notice.posted`:
 * the low-cardinality span name and `messaging.destination.template` of OpenTelemetry's
 * messaging conventions (the concrete subject has one token per organisation pair).
 */
export function destinationTemplate(type: string, sandbox?: string): string {
  const live = `${rootOfType(type)}.{audience}.{sender}.${type}`;
  return sandbox === undefined ? live : `${ROOTS.sandbox}.{sandbox}.${live}`;
}

/** A replay window's server-side filter on one live stream. */
export interface WindowFilter {
  stream: (typeof STREAMS)["coord"]["name"] | (typeof STREAMS)["case"]["name"];
  filter: string;
}

/**
 * The stream filters for a replay window: messages of a type glob (`notice.*`, `notice.>`,
 * `*.raised`; a token with a partial wildcard like `ack*` widens to `*`, so callers match the
 * type exactly themselves) from one sender or any. Case types live in CASE, the rest in COORD;
 * a glob that could match both reads both.
 */
export function windowFilters(opts: { typeGlob?: string; from?: string } = {}): WindowFilter[] {
  const glob = (opts.typeGlob ?? ">").trim() || ">";
  const tokens = glob.split(".").map((t, i, all) => (t === "**" || (t === ">" && i === all.length - 1) ? ">" : t.includes("*") ? "*" : t));
  const sender = opts.from ?? "*";
  if (opts.from !== undefined && !TOKEN.test(opts.from)) throw new SubjectError(opts.from, "is not an organisation id");
  const wanted = tokens.join(".");
  if (!/^([a-z]+|\*)(\.([a-z]+|\*))*(\.>)?$|^>$/.test(wanted)) throw new SubjectError(glob, "is not a type glob like notice.*, notice.> or *.raised");
  const first = tokens[0]!;
  const roots = first === "case" ? [ROOTS.case] : first === "*" || first === ">" ? [ROOTS.coord, ROOTS.case] : [ROOTS.coord];
  return roots.map((root) => ({
    stream: root === ROOTS.case ? STREAMS.case.name : STREAMS.coord.name,
    filter: `${root}.*.${sender}.${root === ROOTS.case && first === "*" ? `case.${tokens.slice(1).join(".") || ">"}` : wanted}`,
  }));
}
