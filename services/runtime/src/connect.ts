/**
 * A service's connection: the organisation's own credentials and inbox prefix, the configured
 * clock-skew tolerance, reconnecting forever (a service outlives server restarts), waiting for
 * the server at start-up, and logging every disconnect and reconnect.
 */
import { connectBus, type Bus, type CredentialsSource } from "@schakel/contracts/bus";
import type { OrgConfig } from "./config.ts";
import type { Logger } from "./logger.ts";

export interface ServiceConnectOptions {
  /** Connection name in the server's monitoring; default `schakel-<service>:<org>`. */
  name?: string;
  service: string;
  log: Logger;
  /** Credentials that may change while it runs (a rotated key, credentials-file.ts); default the config's, fixed. */
  credentialsSource?: CredentialsSource;
}

/** Connects one organisation; throws SchakelError when the credentials are refused. */
export async function connectService(config: OrgConfig, opts: ServiceConnectOptions): Promise<Bus> {
  const bus = await connectBus({
    servers: config.servers,
    credentials: config.credentials,
    ...(opts.credentialsSource ? { credentialsSource: opts.credentialsSource } : {}),
    directory: config.directory,
    skewMs: config.skewMs,
    name: opts.name ?? `schakel-${opts.service}:${config.org}`,
    reconnect: true,
    waitOnFirstConnect: true,
    // A server too busy to authenticate in time (hundreds of organisations starting) is tried again: say so.
    onAuthenticationRetry: ({ attempt, delayMs }) => opts.log.warn({ attempt, delayMs }, "the bus was too busy to check the credentials in time; trying again"),
  });
  void watchStatus(bus, opts.log);
  void bus.closed().then((err) => {
    if (err) opts.log.error({ err: err.message }, "connection to the bus closed by an error");
    else opts.log.debug("connection to the bus closed");
  });
  return bus;
}

async function watchStatus(bus: Bus, log: Logger): Promise<void> {
  try {
    for await (const e of bus.connectionEvents()) {
      switch (e.kind) {
        case "disconnected":
          log.warn({ server: e.server }, "disconnected from the bus; reconnecting");
          break;
        case "reconnected":
          log.info({ server: e.server }, "reconnected to the bus");
          break;
        case "error":
          log.error({ err: String(e.error) }, "bus connection error");
          break;
        case "slow-consumer":
          log.warn({ sub: e.subject, pending: e.pending }, "slow consumer");
          break;
        default:
          break;
      }
    }
  } catch {
    // the status iterator ends with the connection
  }
}
