/**
 * The bus that `schakel up` runs on: an embedded nats-server under the data folder (supervised:
 * started again where it was when it dies, see server-supervisor.ts), or an existing
 * server (`--server URL` / NATS_URL) configured from the same data folder. Either way the admin
 * identity then provisions the streams, consumers and buckets (idempotent: a second `up` finds
 * them and resumes with the data intact) and runs the consumer gate, through which every
 * organisation's consumer creation (feed slots, KV watches) reaches JetStream.
 */
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import type { Registry } from "@schakel/contracts";
import {
  EmbeddedServerError, NatsServerMissingError, provision, startConsumerGate, type Identities, type LeftoverOutcome, type ProvisionResult,
} from "@schakel/infra";
import { CliError, EXIT } from "../exit-codes.ts";
import { startSupervisedServer, type SupervisedServer, type SupervisionOptions } from "./server-supervisor.ts";

export interface BusOptions {
  dataDir: string;
  registry: Registry;
  identities: Identities;
  /** Use this server instead of starting one. */
  server?: string;
  port?: number;
  onLeftover?: (outcome: LeftoverOutcome) => void;
  /** What to report while the embedded server is restarted after it died. */
  supervision?: SupervisionOptions;
}

export interface RunningBus {
  url: string;
  embedded: SupervisedServer | undefined;
  admin: NatsConnection;
  jsm: JetStreamManager;
  provisioned: ProvisionResult[];
  /** Closes the admin connection, then stops the embedded server (if any). */
  stop(): Promise<void>;
}

async function connectAdmin(url: string, seed: string): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: "schakel-up:admin" });
  } catch (err) {
    const msg = (err as Error).message;
    if (/authoriz|authentic/i.test(msg)) {
      throw new CliError(`the server at ${url} refused the admin identity of this data folder: run it with the config "schakel up" generates (nats-server.conf in the data folder), or leave out --server/NATS_URL to start one`, EXIT.unreachable);
    }
    throw new CliError(`cannot reach the server at ${url} (${msg}): start it, or leave out --server/NATS_URL to let "schakel up" start one`, EXIT.unreachable);
  }
}

/**
 * Starts (or reaches) the server and provisions it.
 * @throws CliError: exit 1 when nats-server is missing or does not start, 3 when a given server is unreachable.
 */
export async function startBus(opts: BusOptions): Promise<RunningBus> {
  let embedded: SupervisedServer | undefined;
  let url = opts.server;
  if (!url) {
    try {
      embedded = await startSupervisedServer({
        dataDir: opts.dataDir, registry: opts.registry, identities: opts.identities,
        ...(opts.port !== undefined ? { port: opts.port } : {}), ...(opts.onLeftover ? { onLeftover: opts.onLeftover } : {}),
      }, opts.supervision);
    } catch (err) {
      if (err instanceof NatsServerMissingError || err instanceof EmbeddedServerError) throw new CliError(err.message, EXIT.failure);
      throw err;
    }
    url = embedded.url;
  }
  let admin: NatsConnection | undefined;
  try {
    admin = await connectAdmin(url, opts.identities.admin.seed);
    const gate = startConsumerGate({ nc: admin });
    await gate.ready;
    const jsm = await jetstreamManager(admin);
    const provisioned = await provision(admin, jsm, opts.registry);
    const conflicts = provisioned.filter((p) => p.action === "conflict");
    if (conflicts.length) {
      // An older layout: keep running on it, but say what differs (`schakel up` never rewrites data on its own).
      process.stderr.write(`warning: ${conflicts.map((c) => `${c.kind} ${c.name} differs (${c.differences.join("; ")})`).join("; ")}\n`);
    }
    const bus: RunningBus = {
      url, embedded, admin, jsm, provisioned,
      async stop() {
        // The gate's last flush needs the server; when it is gone, closing the connection is all there is to do.
        if (!embedded || embedded.running) await gate.stop().catch(() => {});
        await admin!.close().catch(() => {});
        await embedded?.stop();
      },
    };
    return bus;
  } catch (err) {
    await admin?.close().catch(() => {});
    await embedded?.stop();
    throw err;
  }
}
