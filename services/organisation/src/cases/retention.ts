/**
 * The retention of a closed case: after it, the municipality's service erases the case
 * (`case.erased`, reason `retention`). `SCHAKEL_CASE_RETENTION` sets it (a duration such as 90d,
 * 12h or 30s; default 90 days, what the CASE stream and the case state bucket keep). The same
 * watcher keeps the records of open cases in the case state bucket (keep-open-cases.ts).
 */
import { SchakelError } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import { casesPastRetention, eraseCase } from "./erasure.ts";
import { keepOpenCases } from "./keep-open-cases.ts";

export const CASE_RETENTION_VARIABLE = "SCHAKEL_CASE_RETENTION";
export const DEFAULT_CASE_RETENTION_MS = 90 * 86_400_000;

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The retention `SCHAKEL_CASE_RETENTION` sets, or the default; throws SchakelError("schema") naming the variable. */
export function caseRetentionFrom(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[CASE_RETENTION_VARIABLE]?.trim().toLowerCase();
  if (!text) return DEFAULT_CASE_RETENTION_MS;
  const m = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!m || Number(m[1]) <= 0) {
    throw new SchakelError("schema", `${CASE_RETENTION_VARIABLE} "${text.slice(0, 40)}" is not a retention: give a duration such as 90d, 12h or 30s, or unset it for the default of 90d`, { variable: CASE_RETENTION_VARIABLE });
  }
  return Number(m[1]) * UNITS[m[2]!]!;
}

export interface RetentionWatcher {
  stop(): void;
}

export interface RetentionWatchOptions {
  /** How often closed cases are looked at for their retention (default a minute, never less often than the retention). */
  tickMs?: number;
  onErased?: (caseRef: string) => void;
  /** Reports the records written again so that they do not age out of the case state bucket. */
  onKept?: (keys: string[]) => void;
  onError?: (err: unknown) => void;
}

/** The longest pause between two looks at the open cases' records: a timer cannot wait longer than about 24 days. */
const MAX_KEEP_EVERY_MS = 86_400_000;

/**
 * Erases the municipality's closed cases whose retention ran out, looking every `tickMs`; and,
 * for any organisation, keeps its open cases' records from ageing out of its case state bucket
 * (`keepOpenCases`), looking at them every quarter of the bucket's max_age (at most daily), so
 * a record is written again before three quarters of it passed. A failed look is tried again at
 * the next one; `onErased` and `onKept` report what was done.
 */
export function watchCaseRetention(bus: Bus, retentionMs: number, opts: RetentionWatchOptions = {}): RetentionWatcher {
  const tickMs = Math.min(opts.tickMs ?? 60_000, retentionMs);
  let keepAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // Only a municipality opens (and so erases) cases.
  const municipality = bus.directory.organisation(bus.org)?.roles.includes("municipality") === true;
  const erase = async (): Promise<void> => {
    if (!municipality) return;
    for (const c of await casesPastRetention(await orgState(bus), bus.org, retentionMs, Date.now())) {
      await eraseCase(bus, { caseRef: c.caseRef, reason: "retention" });
      opts.onErased?.(c.caseRef);
    }
  };
  const keep = async (): Promise<void> => {
    if (Date.now() < keepAt) return;
    const kept = await keepOpenCases(await orgState(bus), Date.now(), (_key, err) => opts.onError?.(err));
    // A bucket that keeps everything is looked at again daily, in case its retention changes.
    keepAt = Date.now() + (kept.maxAgeMs > 0 ? Math.min(kept.maxAgeMs / 4, MAX_KEEP_EVERY_MS) : MAX_KEEP_EVERY_MS);
    if (kept.refreshed.length) opts.onKept?.(kept.refreshed);
  };
  const look = async (): Promise<void> => {
    await erase().catch((err: unknown) => opts.onError?.(err));
    await keep().catch((err: unknown) => opts.onError?.(err));
  };
  const next = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => void look().finally(() => next(Math.max(1, Math.min(tickMs, keepAt - Date.now())))), delayMs);
    timer.unref();
  };
  // The first look one tick after the start, so a start (of hundreds of organisations) carries no extra work.
  next(tickMs);
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * For an organisation that takes part in cases but does not own them (a member of another
 * municipality's LIVC-R): keeps the records of its open cases in its case state bucket, logging
 * what fails (tried again at the next look). The platform holds no case records (it sees case
 * metadata through its trace index and its case-task obligations), so it runs none.
 */
export function keepCaseState(ctx: { bus: Bus; log: { error(obj: object, msg: string): void } }): RetentionWatcher {
  return watchCaseRetention(ctx.bus, caseRetentionFrom(), { onError: (err) => ctx.log.error({ err }, "keeping open cases' records failed; trying again at the next look") });
}
