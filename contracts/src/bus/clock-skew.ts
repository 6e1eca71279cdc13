/**
 * The clock-skew tolerance of receivers: the largest distance allowed between a message's envelope
 * time and the broker's storage time. It refuses a captured message stored again much later; a
 * message that waited at a leaf longer than it (a long link outage) is refused too, so sites
 * behind leaves raise it. One default for every reader, and one way to configure it
 * (`SCHAKEL_CLOCK_SKEW`, a duration such as 5m or 30m), read by the runtime and the CLI.
 */
import { SchakelError } from "../errors.ts";

/** The default tolerance: 5 minutes. */
export const DEFAULT_SKEW_MS = 5 * 60_000;

/** The environment variable that sets the tolerance. */
export const CLOCK_SKEW_VARIABLE = "SCHAKEL_CLOCK_SKEW";

/** The largest tolerance accepted (30 days, what a leaf's OUTBOX keeps). */
export const MAX_SKEW_MS = 30 * 86_400_000;

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
