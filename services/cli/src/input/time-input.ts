/**
 * Times and durations typed by people: `--ack-by 3s`, `--respond-by 2d`, `--since 15m`,
 * `--since 2026-11-28T10:00:00Z`. Parsing is strict: anything else is a usage error that shows
 * an example of what is accepted.
 */
import { CliError, EXIT } from "../exit-codes.ts";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+)(ms|s|m|h|d|w)/g;
/** ISO 8601 date-time with a zone (Z or ±hh:mm), seconds optional: 2026-12-31T17:00+01:00. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
/** A date, or a date-time without a zone: which hour it means depends on where it is read, so it is refused. */
const ZONELESS = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$/i;

/** The longest duration accepted (ten years): far beyond any deadline or look-back, well within what a date can hold. */
export const MAX_DURATION_DAYS = 3650;
const MAX_DURATION_MS = MAX_DURATION_DAYS * UNIT_MS.d!;

/**
 * Milliseconds of a duration like `90s`, `10m`, `1h30m`, `2d`; undefined when it is not one.
 * @throws CliError (exit 2) for a duration longer than MAX_DURATION_DAYS, naming the maximum.
 */
export function parseDuration(text: string, option = "the duration"): number | undefined {
  const t = text.trim().toLowerCase();
  if (!DURATION.test(t)) return undefined;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(PART)) ms += Number(n) * UNIT_MS[unit!]!;
  if (!(ms <= MAX_DURATION_MS)) throw new CliError(`${option} "${text}" is too long: at most ${MAX_DURATION_DAYS}d (ten years)`, EXIT.usage);
  return ms;
}

/**
 * `--wait 30s`, `--wait 2m`, `--wait 0`: how long to wait, in ms; undefined when not given.
 * @throws CliError (exit 2) for anything else.
 */
export function parseWait(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === "0") return 0;
  const ms = parseDuration(text, "--wait");
  if (ms === undefined) throw new CliError(`--wait "${text}" is not a duration such as 30s, 2m, 500ms or 0`, EXIT.usage);
  return ms;
}

/**
 * A point in time written as ISO 8601 with a zone; undefined when it is not one.
 * @throws CliError (exit 2) for a date or date-time without a zone, saying to add one.
 */
export function parseTime(text: string, option = "the time"): Date | undefined {
  const t = text.trim();
  if (ZONELESS.test(t)) {
    const example = /[T ]/.test(t) ? t.replace(" ", "T") : `${t}T17:00`;
    throw new CliError(`${option} "${text}" has no time zone: add Z (UTC) or an offset, e.g. ${example}Z or ${example}+01:00`, EXIT.usage);
  }
  if (!ISO_TIME.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/**
 * A deadline: a duration from now (`3s`, `2h`, `3d`) or a future time.
 * @throws CliError (exit 2) naming the option, for anything else or a time in the past.
 */
export function parseDeadline(option: string, text: string, now = new Date()): Date {
  const ms = parseDuration(text, option);
  if (ms !== undefined) {
    if (ms <= 0) throw new CliError(`${option} "${text}" is zero: give a positive duration such as 30s, 10m, 2h or 3d`, EXIT.usage);
    return new Date(now.getTime() + ms);
  }
  const at = parseTime(text, option);
  if (!at) {
    throw new CliError(`${option} "${text}" is neither a duration (e.g. 30s, 10m, 2h, 3d) nor a time (e.g. 2026-12-01T12:00:00Z)`, EXIT.usage);
  }
  if (at.getTime() <= now.getTime()) throw new CliError(`${option} ${at.toISOString()} is in the past: give a future time or a duration such as 2d`, EXIT.usage);
  if (at.getTime() - now.getTime() > MAX_DURATION_MS) throw new CliError(`${option} ${at.toISOString()} is too far ahead: at most ${MAX_DURATION_DAYS} days (ten years) from now`, EXIT.usage);
  return at;
}

/** Where a feed starts: after a stream sequence, at a time, from the beginning or from now. */
export type FeedStart = { kind: "all" } | { kind: "new" } | { kind: "after-seq"; seq: number } | { kind: "time"; time: Date };

/**
 * `--since SEQ` (messages after that stream sequence, so the last sequence a feed printed resumes
 * it exactly), `--since TIME`, `--since 15m` (that long ago), or `--since now`.
 * @throws CliError (exit 2) for anything else.
 */
export function parseSince(text: string | undefined, now = new Date()): FeedStart {
  if (text === undefined) return { kind: "all" };
  const t = text.trim();
  if (t === "now") return { kind: "new" };
  if (/^\d+$/.test(t)) return { kind: "after-seq", seq: Number(t) };
  const ms = parseDuration(t, "--since");
  if (ms !== undefined) return { kind: "time", time: new Date(now.getTime() - ms) };
  const at = parseTime(t, "--since");
  if (at) return { kind: "time", time: at };
  throw new CliError(`--since "${text}" is not a sequence number (e.g. 42), a time (e.g. 2026-11-28T10:00:00Z), a duration ago (e.g. 15m) or "now"`, EXIT.usage);
}
