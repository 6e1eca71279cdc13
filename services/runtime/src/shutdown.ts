/**
 * Graceful shutdown on SIGINT/SIGTERM: stop consuming, finish in-flight work, drain every
 * connection, flush telemetry, exit 0. A second signal, or a shutdown that takes longer than the
 * grace period, exits 1 at once: nothing acknowledged is lost either way, since unacknowledged
 * messages are redelivered and every effect carries a derived id.
 */
import type { Logger } from "./logger.ts";
import type { ServiceTelemetry } from "./telemetry.ts";

export interface ShutdownOptions {
  stop: () => Promise<void>;
  log: Logger;
  telemetry?: Pick<ServiceTelemetry, "shutdown">;
  /** Default 15 s. */
  graceMs?: number;
  exit?: (code: number) => void;
}

/** Installs the signal handlers; returns a function that removes them. */
export function exitOnSignals(opts: ShutdownOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      opts.log.warn({ signal }, "second signal: exiting without waiting");
      exit(1);
      return;
    }
    shuttingDown = true;
    opts.log.info({ signal }, "shutting down: stop consuming, drain, exit");
    const timer = setTimeout(() => {
      opts.log.error({ graceMs: opts.graceMs ?? 15_000 }, "shutdown took too long; exiting");
      exit(1);
    }, opts.graceMs ?? 15_000);
    timer.unref();
    void (async () => {
      try {
        await opts.stop();
        await opts.telemetry?.shutdown();
        opts.log.info("stopped");
        clearTimeout(timer);
        exit(0);
      } catch (err) {
        opts.log.error({ err: (err as Error)?.message ?? String(err) }, "shutdown failed");
        exit(1);
      }
    })();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
