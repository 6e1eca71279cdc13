/**
 * A bus whose publications outlast a short outage. A message that was not acknowledged because
 * the connection dropped, or because JetStream was not back yet, is sent again — the same
 * prepared message, so the same envelope id, and the stream's `Nats-Msg-Id` dedupe stores it
 * once — until it is acknowledged or `--wait` is over. The connection reconnects by itself
 * (nats.js); bus-watch.ts reports that and ends it when the bus stays away too long.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { NatsConnection } from "@nats-io/transport-node";
import { SchakelError } from "@schakel/contracts";
import { Bus, type ConnectOptions, type Identity, type Outgoing, type Published } from "@schakel/contracts/bus";
import { retryDelay, seconds } from "./bus-wait.ts";
import { note } from "./output.ts";

/** A publication that may go through when sent again: no ack in time, or the bus away. */
function notAcknowledged(err: unknown): string | undefined {
  if (!(err instanceof SchakelError)) return undefined;
  if (err.code === "timeout") return "no acknowledgement in time";
  if (err.code === "unreachable") return (err.cause as Error | undefined)?.message ?? err.message;
  return undefined;
}

export class PatientBus extends Bus {
  constructor(nc: NatsConnection, identity: Identity, opts: ConnectOptions, readonly url: string, readonly waitMs: number) {
    super(nc, identity, opts);
  }

  /** Sends `out` until JetStream acknowledges it; every attempt carries the same envelope and id. */
  override async send(out: Outgoing): Promise<Published> {
    const what = `${out.envelope.type} to "${out.envelope.audience}" (id ${out.envelope.id})`;
    let firstFailure: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await super.send(out);
        if (attempt > 1) note(`published ${what} on attempt ${attempt}${ack.duplicate ? " (the stream already held it: stored once)" : ""}`);
        return ack;
      } catch (err) {
        const reason = notAcknowledged(err);
        if (reason === undefined || this.nc.isClosed()) throw err;
        firstFailure ??= performance.now();
        const left = this.waitMs - (performance.now() - firstFailure);
        if (left <= 0) throw err;
        const pause = Math.min(retryDelay(attempt), left);
        note(`${what} was not acknowledged (${reason}); sending it again in ${seconds(pause)} (attempt ${attempt}, giving up in ${seconds(left)})`);
        await sleep(pause);
      }
    }
  }
}
