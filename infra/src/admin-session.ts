/**
 * The admin's session with a running bus, as `schakel up` holds it: one connection with the admin
 * identity that provisions the streams, consumers and buckets (idempotent: a second run finds them
 * and resumes with the data intact) and runs the consumer gate, through which every organisation's
 * consumer creation (feed slots, KV watches) reaches JetStream. Admin work, so it lives here and
 * not in the packages that only call it.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import type { Registry } from "@schakel/contracts";
import { connectionFailure } from "@schakel/contracts/bus";
import { startConsumerGate } from "./consumer-gate.ts";
import { provision, type ProvisionOptions, type ProvisionResult } from "./provision.ts";

/** The server refused the admin identity, or could not be reached; `refused` says which. */
export class AdminConnectError extends Error {
  override name = "AdminConnectError";
  constructor(readonly url: string, readonly refused: boolean, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export interface AdminSession {
  provisioned: ProvisionResult[];
  /** Whether the consumer gate serves now, or why not (for the health server). */
  gateReadiness(): { ready: boolean; reason?: string };
  /** How many messages a stream holds now. */
  storedMessages(stream: string): Promise<number>;
  /**
   * Stops the consumer gate (its last flush needs the server, so only while `serverRunning`) and
   * closes the connection. Never throws.
   */
  close(opts?: { serverRunning?: boolean }): Promise<void>;
}

async function connectAdmin(url: string, seed: string, name: string, reconnect = true): Promise<NatsConnection> {
  try {
    // A session reconnects without limit: a supervised server that dies comes back on the same port.
    return await connect({
      servers: url, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), noAsyncTraces: true,
      maxReconnectAttempts: reconnect ? -1 : 0, reconnectTimeWait: 250, name,
    });
  } catch (cause) {
    const msg = (cause as Error).message;
    const refused = connectionFailure(cause)?.kind === "credentials-refused";
    throw new AdminConnectError(url, refused, refused ? `the server at ${url} refused the admin identity` : `cannot reach the server at ${url} (${msg})`, { cause });
  }
}

/**
 * Connections provisioning opens beside the admin session's own (closed when it is done): at 600
 * organisations four connections provision in about half the time of one.
 */
export const PROVISION_HELPERS = 3;

/** Provisions over `admin` and {@link PROVISION_HELPERS} short-lived helper connections of the same identity. */
async function provisionWithHelpers(admin: NatsConnection, url: string, seed: string, registry: Registry, opts: ProvisionOptions = {}): Promise<ProvisionResult[]> {
  const helpers = await Promise.all(Array.from({ length: PROVISION_HELPERS }, (_, i) =>
    connectAdmin(url, seed, `schakel-admin-provision-${i + 1}`, false).catch(() => undefined)));
  const open = helpers.filter((h): h is NatsConnection => h !== undefined);
  try {
    return await provision(admin, await jetstreamManager(admin), registry, { ...opts, helpers: open });
  } finally {
    await Promise.all(open.map((h) => h.close().catch(() => {})));
  }
}

/** An admin session whose provisioning may still be under way (see {@link startAdminSession}). */
export interface ProvisioningSession extends Omit<AdminSession, "provisioned"> {
  /** Settles once every stream, consumer and bucket of the registry exists (or with the provisioning error). */
  provisioned: Promise<ProvisionResult[]>;
  /** Provisions again for a changed registry (what exists is kept; only the missing objects are made); the gate checks its grants from now on. */
  provisionFor(registry: Registry, onOrganisation?: (org: string) => void): Promise<ProvisionResult[]>;
}

export interface AdminSessionOptions {
  url: string;
  adminSeed: string;
  registry: Registry;
  /** Reads the registry again, for the consumer gate when an organisation it does not know asks. */
  readRegistry?: () => Registry;
  name?: string;
  /** Told once an organisation's own consumers and bucket exist, so its services can start before the others' are made. */
  onOrganisation?: (org: string) => void;
}

/**
 * Connects as the admin (seed `adminSeed`), starts the consumer gate and begins provisioning the bus
 * for `registry`; returns once the gate serves, with the provisioning under way. Provisioning
 * conflicts (an older layout) are returned, not fixed.
 * @throws AdminConnectError when the server refuses the admin or cannot be reached.
 */
export async function startAdminSession(opts: AdminSessionOptions): Promise<ProvisioningSession> {
  const admin = await connectAdmin(opts.url, opts.adminSeed, opts.name ?? "schakel-admin");
  try {
    const gate = startConsumerGate({ nc: admin, registry: opts.registry, ...(opts.readRegistry ? { readRegistry: opts.readRegistry } : {}) });
    await gate.ready;
    const jsm = await jetstreamManager(admin);
    const provisioned = provisionWithHelpers(admin, opts.url, opts.adminSeed, opts.registry, opts.onOrganisation ? { onOrganisation: opts.onOrganisation } : {});
    provisioned.catch(() => undefined); // the caller awaits it; unawaited, a failure must not end the process
    return {
      provisioned,
      provisionFor: (registry, onOrganisation) => {
        gate.useRegistry(registry);
        return provisionWithHelpers(admin, opts.url, opts.adminSeed, registry, onOrganisation ? { onOrganisation } : {});
      },
      gateReadiness: () => gate.readiness(),
      storedMessages: async (stream) => (await jsm.streams.info(stream)).state.messages,
      async close(o = {}) {
        if (o.serverRunning !== false) await gate.stop().catch(() => {});
        await admin.close().catch(() => {});
      },
    };
  } catch (err) {
    await admin.close().catch(() => {});
    throw err;
  }
}

/**
 * Connects as the admin (seed `adminSeed`), starts the consumer gate and provisions the bus for
 * `registry`. Provisioning conflicts (an older layout) are returned, not fixed.
 * @throws AdminConnectError when the server refuses the admin or cannot be reached; provisioning
 * errors as JetStream raises them (the connection is closed first).
 */
export async function openAdminSession(opts: AdminSessionOptions): Promise<AdminSession> {
  const session = await startAdminSession(opts);
  try {
    return { ...session, provisioned: await session.provisioned };
  } catch (err) {
    await session.close();
    throw err;
  }
}

/**
 * Provisions the bus for `registry` on a running server over a short admin connection (seed
 * `adminSeed`), then closes it: for a registry change while `schakel up` runs, whose own session
 * keeps the consumer gate (this one starts none). Idempotent like every provisioning; conflicts are
 * returned, not fixed.
 * @throws AdminConnectError when the server refuses the admin or cannot be reached; provisioning
 * errors as JetStream raises them (the connection is closed either way).
 */
export async function provisionAsAdmin(opts: { url: string; adminSeed: string; registry: Registry; name?: string }): Promise<ProvisionResult[]> {
  const admin = await connectAdmin(opts.url, opts.adminSeed, opts.name ?? "schakel-admin-provision", false);
  try {
    return await provision(admin, await jetstreamManager(admin), opts.registry);
  } finally {
    await admin.close().catch(() => {});
  }
}
