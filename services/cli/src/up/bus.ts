/**
 * The bus that `schakel up` runs on: an embedded nats-server under the data folder (supervised:
 * started again where it was when it dies, see server-supervisor.ts), or an existing
 * server (`--server URL` / NATS_URL) configured from the same data folder. Either way the admin
 * identity then provisions the streams, consumers and buckets (idempotent: a second `up` finds
 * them and resumes with the data intact; each organisation's services may start once its own
 * objects exist, while the others' are still being made) and runs the consumer gate, through which every
 * organisation's consumer creation (feed slots, KV watches) reaches JetStream. Without `--port`,
 * the embedded server asks for the port of the previous run on this data folder (previous-run.ts)
 * and takes a free one only when that is taken, saying so.
 */
import type { Registry } from "@schakel/contracts";
import {
  AdminConnectError, EmbeddedServerError, NatsServerMissingError, startAdminSession, type Identities, type LeftoverOutcome, type ProvisioningSession, type ProvisionResult,
} from "@schakel/infra";
import { CliError, EXIT } from "../exit-codes.ts";
import { color, note } from "../output.ts";
import { OrganisationsProvisioned } from "./organisations-provisioned.ts";
import { readPreviousRun, recordPreviousRun } from "./previous-run.ts";
import { startSupervisedServer, type SupervisedServer, type SupervisionOptions } from "./server-supervisor.ts";

export interface BusOptions {
  dataDir: string;
  registry: Registry;
  /** Reads the registry file again: the consumer gate asks when an organisation it does not know creates a consumer. */
  readRegistry?: () => Registry;
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
  /** Every stream, consumer and bucket, once provisioned (conflicts are reported on stderr then). */
  provisioned: Promise<ProvisionResult[]>;
  /** Resolves once the organisation's consumers and bucket exist; rejects when provisioning fails. */
  provisionedFor(org: string): Promise<void>;
  /** Whether the consumer gate serves now, or why not (for the health server). */
  gateReadiness(): { ready: boolean; reason?: string };
  /** How many messages a stream holds now (read with the admin identity). */
  storedMessages(stream: string): Promise<number>;
  /**
   * Applies a registry change that added or removed accounts: restarts the embedded server (it wires
   * accounts only at start), then provisions what `registry` needs, telling `onOrganisation` as each
   * organisation's objects exist. Resolves with how long the server was away (ms).
   * @throws CliError when the bus runs on a server `up` did not start (it cannot restart that one).
   */
  applyRegistry(registry: Registry, onOrganisation: (org: string) => void): Promise<{ restartMs: number; provisioned: Promise<ProvisionResult[]> }>;
  /** Closes the admin connection, then stops the embedded server (if any). */
  stop(): Promise<void>;
}

/** The admin session, or the CLI error that says what to do when the server is not ours or not there. */
async function openAdmin(url: string, opts: BusOptions, onOrganisation: (org: string) => void): Promise<ProvisioningSession> {
  try {
    return await startAdminSession({
      url, adminSeed: opts.identities.admin.seed, registry: opts.registry, ...(opts.readRegistry ? { readRegistry: opts.readRegistry } : {}), name: "schakel-up:admin", onOrganisation,
    });
  } catch (err) {
    if (!(err instanceof AdminConnectError)) throw err;
    if (err.refused) {
      throw new CliError(`the server at ${url} refused the admin identity of this data folder: run it with the config "schakel up" generates (nats-server.conf in the data folder), or leave out --server/NATS_URL to start one`, EXIT.unreachable);
    }
    throw new CliError(`${err.message}: start it, or leave out --server/NATS_URL to let "schakel up" start one`, EXIT.unreachable);
  }
}

/** How long provisioning is tried again while the admin connection finds the restarted server. */
const RECONNECT_PATIENCE_MS = 30_000;

/**
 * Provisioning right after a restart: the admin connection reconnects on its own (every 250 ms), and
 * until it has, a request fails for want of a connection; provisioning is idempotent, so it is
 * simply tried again.
 */
async function provisionOnceReconnected(attempt: () => Promise<ProvisionResult[]>): Promise<ProvisionResult[]> {
  const deadline = Date.now() + RECONNECT_PATIENCE_MS;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The embedded server: on `--port`, else on the previous run's port when it is free, else on a free one. */
async function startEmbedded(opts: BusOptions): Promise<SupervisedServer> {
  const start = (port: number | undefined, onLeftover = opts.onLeftover) => startSupervisedServer({
    dataDir: opts.dataDir, registry: opts.registry, identities: opts.identities,
    ...(port !== undefined ? { port } : {}), ...(onLeftover ? { onLeftover } : {}),
  }, opts.supervision);
  const previous = opts.port === undefined ? readPreviousRun(opts.dataDir)?.natsPort : undefined;
  if (previous === undefined) return start(opts.port);
  try {
    const server = await start(previous);
    note(color.dim(`nats-server listens on port ${previous} again, as in the previous run of this data folder`));
    return server;
  } catch (err) {
    if (!(err instanceof EmbeddedServerError) || !/address already in use/i.test(err.serverOutput)) throw err;
    note(color.yellow(`port ${previous} of the previous run is taken: nats-server listens on a free port instead (a pinned NATS_URL must follow it)`));
    return start(undefined, undefined);
  }
}

/**
 * Starts (or reaches) the server and starts provisioning it: resolves once the admin session and
 * the consumer gate serve, with `provisioned` and `provisionedFor(org)` telling when the objects exist.
 * @throws CliError: exit 2 when nats-server is missing, 1 when it does not start, 3 when the server is unreachable or refuses the admin identity.
 */
export async function startBus(opts: BusOptions): Promise<RunningBus> {
  let embedded: SupervisedServer | undefined;
  let url = opts.server;
  if (!url) {
    try {
      embedded = await startEmbedded(opts);
    } catch (err) {
      if (err instanceof NatsServerMissingError) throw new CliError(err.message, EXIT.usage);
      if (err instanceof EmbeddedServerError) throw new CliError(err.message, EXIT.failure);
      throw err;
    }
    url = embedded.url;
    await recordPreviousRun(opts.dataDir, { natsPort: embedded.port });
  }
  try {
    const organisations = new OrganisationsProvisioned(opts.registry.organisations.map((o) => o.id));
    const admin = await openAdmin(url, opts, (org) => organisations.done(org));
    const provisioned = admin.provisioned.then((results) => {
      const conflicts = results.filter((p) => p.action === "conflict");
      if (conflicts.length) {
        // An older layout: keep running on it, but say what differs (`schakel up` never rewrites data on its own).
        process.stderr.write(`warning: ${conflicts.map((c) => `${c.kind} ${c.name} differs (${c.differences.join("; ")})`).join("; ")}\n`);
      }
      return results;
    }, (err: unknown) => {
      organisations.failed(err);
      throw err;
    });
    provisioned.catch(() => undefined); // awaited by whoever needs it; never an unhandled rejection
    return {
      url, embedded, provisioned, provisionedFor: (org) => organisations.of(org), gateReadiness: () => admin.gateReadiness(),
      storedMessages: (stream) => admin.storedMessages(stream),
      async applyRegistry(registry, onOrganisation) {
        if (!embedded) throw new CliError(`the bus runs on ${url}, a server "schakel up" did not start: restart it with the rewritten config yourself, then run "schakel identities generate" again to provision`, EXIT.usage);
        const restartMs = await embedded.restart();
        const provisioned = provisionOnceReconnected(() => admin.provisionFor(registry, onOrganisation));
        provisioned.catch(() => undefined); // awaited by the caller
        return { restartMs, provisioned };
      },
      async stop() {
        // The gate's last flush needs the server; when it is gone, closing the connection is all there is to do.
        await admin.close({ serverRunning: !embedded || embedded.running });
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}
