/**
 * The retention of a closed case: after it, the municipality's service erases the case
 * (`case.erased`, reason `retention`). `SCHAKEL_CASE_RETENTION` sets it (a duration such as 90d,
 * 12h or 30s; default 90 days, what the CASE stream keeps).
 */
import { SchakelError } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import { casesPastRetention, eraseCase } from "./erasure.ts";

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

/**
 * Erases the municipality's closed cases whose retention ran out, looking every `tickMs` (default
 * a minute, and never less often than the retention itself). A failed erasure is tried again at
 * the next look; `onErased` reports each one.
 */
export function watchCaseRetention(bus: Bus, retentionMs: number, opts: { tickMs?: number; onErased?: (caseRef: string) => void; onError?: (err: unknown) => void } = {}): RetentionWatcher {
  const tickMs = Math.min(opts.tickMs ?? 60_000, retentionMs);
  let running = false;
  const look = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      for (const c of await casesPastRetention(await orgState(bus), bus.org, retentionMs, Date.now())) {
        await eraseCase(bus, { caseRef: c.caseRef, reason: "retention" });
        opts.onErased?.(c.caseRef);
      }
    } catch (err) {
      opts.onError?.(err);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void look(), tickMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
