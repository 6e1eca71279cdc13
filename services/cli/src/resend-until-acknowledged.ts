/**
 * Publications that outlast a short outage: an outbound interceptor the CLI installs on its bus.
 * A message that was not acknowledged because the connection dropped, or because JetStream was
 * not back yet, is sent again — the same prepared message, so the same envelope id, and the
 * stream's `Nats-Msg-Id` dedupe stores it once — until it is acknowledged or `--wait` is over.
 * The connection reconnects by itself (nats.js); bus-watch.ts reports that and ends the command
 * when the bus stays away too long.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SchakelError } from "@schakel/contracts";
import type { OutboundInterceptor } from "@schakel/contracts/bus";
import { retryDelay, seconds } from "./bus-wait.ts";
import { note } from "./output.ts";

/**
 * Why a publication may go through when sent again (no ack in time, the bus away), or undefined
 * when the error says that trying again does not help (bad input, refused, a full stream).
 */
function notAcknowledged(err: unknown): string | undefined {
  if (!(err instanceof SchakelError) || !err.retryable) return undefined;
  if (err.code === "timeout") return "no acknowledgement in time";
  return (err.cause as Error | undefined)?.message ?? err.message;
}

export interface ResendOptions {
  /** How long to keep sending, in ms, counted from the first failed attempt (`--wait`). */
  waitMs: number;
  /** True once the connection is closed for good: sending again cannot help then. */
  connectionClosed: () => boolean;
}

/**
 * Sends each message until JetStream acknowledges it, every attempt with the same envelope and id,
 * one line on stderr per attempt. Rethrows the last error when the wait is over, when the
 * connection is closed for good, and at once for errors that sending again does not change.
 */
export function resendUntilAcknowledged(opts: ResendOptions): OutboundInterceptor {
  return async (out, next) => {
    const what = `${out.envelope.type} to "${out.envelope.audience}" (id ${out.envelope.id})`;
    let firstFailure: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await next(out);
        if (attempt > 1) note(`published ${what} on attempt ${attempt}${ack.duplicate ? " (the stream already held it: stored once)" : ""}`);
        return ack;
      } catch (err) {
        const reason = notAcknowledged(err);
        if (reason === undefined || opts.connectionClosed()) throw err;
        firstFailure ??= performance.now();
        const left = opts.waitMs - (performance.now() - firstFailure);
        if (left <= 0) throw err;
        const pause = Math.min(retryDelay(attempt), left);
        note(`${what} was not acknowledged (${reason}); sending it again in ${seconds(pause)} (attempt ${attempt}, giving up in ${seconds(left)})`);
        await sleep(pause);
      }
    }
  };
}
