/**
 * Waiting for the bus. Every command that needs the bus tries again when the server cannot be
 * reached: one line per attempt on stderr, 0.5 s doubling to 5 s between attempts, for at most
 * `--wait` (default 30 s; `--wait 0` fails at once, for scripts), then exit 3 saying what to do.
 * A server that refuses the credentials is not asked again: waiting does not change that (exit 1).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SchakelError } from "@schakel/contracts";
import { connectionFailure } from "@schakel/contracts/bus";
import { CliError, EXIT } from "./exit-codes.ts";
import { parseWait } from "./input/time-input.ts";
import { note } from "./output.ts";

export const DEFAULT_WAIT_MS = 30_000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;

/** The `--wait` of a command: how long the bus may be away before the command gives up. */
export function waitOf(opts: { wait?: string }): number {
  return parseWait(opts.wait) ?? DEFAULT_WAIT_MS;
}

/** The pause after the `attempt`-th failed attempt: 0.5 s, 1 s, 2 s, 4 s, then 5 s. */
export function retryDelay(attempt: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS);
}

/** `0.5s`, `2s`, `24s` for a pause or a deadline; `7.2s` with `precise`. */
export function seconds(ms: number, precise = false): string {
  const s = Math.max(0, ms) / 1000;
  if (precise) return `${s.toFixed(1)}s`;
  return s < 1 ? `${Math.round(s * 10) / 10}s` : `${Math.round(s)}s`;
}

export type Unreachable = { kind: "refused" } | { kind: "unreachable"; reason: string };

/**
 * No bus is known yet: no `--server`/NATS_URL and no connection.json in the data folder (no
 * `schakel up` has run, or it is between a stop and a start). Waited for like an unreachable bus.
 */
export class NoRunningBusError extends CliError {
  override name = "NoRunningBusError";
  constructor(readonly dataDir: string) {
    super(`no running bus found in ${dataDir}: start one with "npx schakel up", or pass --server URL`, EXIT.unreachable);
  }
}

/**
 * Why the bus could not be reached (`refused`: it refused the credentials), or undefined when
 * the error is about something else — a missing stream, a limit, bad input — and waiting would
 * not help. Decided by the bus client from the error classes (connectionFailure), not their text.
 */
export function unreachableReason(err: unknown): Unreachable | undefined {
  const failure = connectionFailure(err);
  if (!failure) return undefined;
  return failure.kind === "credentials-refused" ? { kind: "refused" } : { kind: "unreachable", reason: failure.reason };
}

export interface WaitOptions {
  /** How long to keep trying, in ms (`--wait`). */
  waitMs: number;
  /** When the bus went away (performance.now()), if it was there before: the wait counts from then. */
  since?: number;
  /** Stops waiting (Ctrl-C while following): the pending pause ends with an AbortError. */
  signal?: AbortSignal;
}

/**
 * Runs `attempt` against the bus at `url()` until it succeeds, trying again while the bus cannot
 * be reached. `url` is asked again before every attempt: a restarted `schakel up` may be
 * listening elsewhere.
 * @throws CliError (exit 3) when the wait is over; SchakelError `credentials-refused` (exit 1) at once when the
 * bus refuses the credentials; other errors as they are.
 */
export async function waitForBus<T>(url: () => string, attempt: (url: string) => Promise<T>, opts: WaitOptions): Promise<T> {
  const started = opts.since ?? performance.now();
  for (let n = 1; ; n++) {
    let at: string | undefined;
    try {
      // Asked inside the attempt: a connection.json that is not there yet is waited for too.
      at = url();
      const result = await attempt(at);
      if (n > 1 || opts.since !== undefined) note(`reached the bus at ${at} after ${seconds(performance.now() - started, true)}`);
      return result;
    } catch (err) {
      const why = err instanceof NoRunningBusError ? { kind: "unreachable" as const, reason: "no connection.json" } : unreachableReason(err);
      if (!why) throw err;
      // Waiting does not change a refusal: it ends the command at once (exit 1, see exit-codes.ts).
      if (why.kind === "refused") throw refusedCredentials(err);
      const left = opts.waitMs - (performance.now() - started);
      if (left <= 0) throw new CliError(at ? givenUp(at, why.reason, opts.waitMs, n) : noBus(err as NoRunningBusError, opts.waitMs), EXIT.unreachable);
      const pause = Math.min(retryDelay(n), left);
      const where = at ? `cannot reach the bus at ${at} (${why.reason})` : `no running bus found in ${(err as NoRunningBusError).dataDir} yet (no connection.json); waiting for "npx schakel up"`;
      note(`${where}; retrying in ${seconds(pause)} (attempt ${n}, giving up in ${seconds(left)}; Ctrl-C to stop)`);
      await sleep(pause, undefined, opts.signal ? { signal: opts.signal } : {});
    }
  }
}

/** The refusal as the Schakel error that says so (the bus client's own, or one made from a raw refusal). */
function refusedCredentials(err: unknown): SchakelError {
  if (err instanceof SchakelError && err.code === "credentials-refused") return err;
  return new SchakelError("credentials-refused", `${(err as Error)?.message ?? err} (the bus refused the credentials: regenerate them with "npx schakel identities generate" and restart the server)`, {}, { cause: err });
}

/** The one line of a command that found no bus in its data folder. */
function noBus(err: NoRunningBusError, waitMs: number): string {
  const waited = waitMs > 0 ? ` within ${seconds(waitMs)}` : "";
  return `no running bus found in ${err.dataDir}${waited}: start one with "npx schakel up", or pass --server URL${waitMs > 0 ? " (wait longer with --wait 2m)" : ""}`;
}

/** The one line of a command that gave up on the bus. */
function givenUp(url: string, reason: string, waitMs: number, attempts: number): string {
  if (waitMs === 0) return `cannot reach the bus at ${url} (${reason}): is "npx schakel up" running?`;
  return `cannot reach the bus at ${url} (${reason}); gave up after ${seconds(waitMs)} and ${attempts} attempts: is "npx schakel up" running? (wait longer with --wait 2m)`;
}
