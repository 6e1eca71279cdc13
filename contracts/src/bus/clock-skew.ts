/**
 * Freshness: how far a message's envelope time may lie from the hub's storage time. The tolerance
 * (`SCHAKEL_CLOCK_SKEW`, a duration such as 5m; one default for every reader, read by the runtime
 * and the CLI) refuses a captured message stored again later and a sender whose clock is wrong.
 * A message that waited in a leaf's OUTBOX while its link was down is another case: the hub's
 * server stores it when the link is back, marked with the `Nats-Stream-Source` header it sets on
 * every sourced message (replacing any the publisher sent). Such a message is accepted up to the
 * OUTBOX's retention after its time, however long the outage; replays of it are stopped by the
 * message-id dedupe and each receiver's processed-id store (docs/SECURITY.md, "Outages of any
 * length"; docs/WIRE.md, check 10).
 */
import { SchakelError } from "../errors.ts";

/** The default tolerance: 5 minutes. */
export const DEFAULT_SKEW_MS = 5 * 60_000;

/** The environment variable that sets the tolerance. */
export const CLOCK_SKEW_VARIABLE = "SCHAKEL_CLOCK_SKEW";

/**
 * How long a message may have waited in a leaf's OUTBOX and still be accepted: the OUTBOX's
 * retention (30 days; infra's DEFAULT_OUTBOX_DAYS is derived from it). What waited longer is gone
 * from the OUTBOX anyway; a copy that claims more is refused as `clock-skew`.
 */
export const OUTBOX_WAIT_MS = 30 * 86_400_000;

/** The largest tolerance accepted: what a leaf's OUTBOX keeps. */
export const MAX_SKEW_MS = OUTBOX_WAIT_MS;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/** Milliseconds of a tolerance like `5m`, `30m`, `1h30m`, `2d`; undefined when it is not one (or zero, or over 30 days). */
export function parseClockSkew(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (!DURATION.test(t)) return undefined;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(PART)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms > 0 && ms <= MAX_SKEW_MS ? ms : undefined;
}

/**
 * The tolerance `SCHAKEL_CLOCK_SKEW` sets in `env`, or the default when it is unset or empty.
 * @throws SchakelError("schema") naming the variable and its value when it is not a duration.
 */
export function clockSkewFrom(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[CLOCK_SKEW_VARIABLE];
  if (text === undefined || text.trim() === "") return DEFAULT_SKEW_MS;
  const ms = parseClockSkew(text);
  if (ms === undefined) {
    throw new SchakelError("schema", `${CLOCK_SKEW_VARIABLE} "${text.slice(0, 40)}" is not a clock-skew tolerance: give a duration such as 5m, 30m or 2h (more than 0, at most 30d), or unset it for the default of 5m`, { variable: CLOCK_SKEW_VARIABLE, value: text.slice(0, 40) });
  }
  return ms;
}

/**
 * Whether a stored message came through a leaf's OUTBOX: its `Nats-Stream-Source` header (set by
 * the hub's server when sourcing: `<stream>[:<hash of the leaf's API>] <sequence>…`) names the
 * stream `outboxStream`.
 */
export function sourcedFromOutbox(source: string | undefined, outboxStream: string): boolean {
  if (!source) return false;
  const index = source.trimStart().split(" ", 1)[0]!;
  const colon = index.indexOf(":");
  return (colon < 0 ? index : index.slice(0, colon)) === outboxStream;
}

/**
 * Why a message written at `timeMs` and stored at `storedAtMs` is not fresh (the end of a
 * `clock-skew` detail), or undefined when it is. A message never counts as stored before it was
 * written by more than `skewMs`; after, it may be `skewMs` late, or `OUTBOX_WAIT_MS` + `skewMs`
 * when it waited in a leaf's OUTBOX (`waited`, asked only for a message later than `skewMs`).
 */
export function freshnessIssue(timeMs: number, storedAtMs: number, skewMs: number, waited: () => boolean): string | undefined {
  const late = storedAtMs - timeMs;
  if (Math.abs(late) <= skewMs) return undefined;
  const outbox = late > 0 && waited();
  if (outbox && late <= OUTBOX_WAIT_MS + skewMs) return undefined;
  const apart = `${Math.round(Math.abs(late) / 1000)} s apart`;
  if (outbox) return `${apart}, came through a leaf's OUTBOX, which keeps messages ${OUTBOX_WAIT_MS / 86_400_000} days: a replayed capture or a wrong clock`;
  return `${apart}, tolerance ${skewMs / 1000} s: a replayed capture or a wrong clock`;
}
