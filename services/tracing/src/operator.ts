/**
 * The operator's view of the bus for traceability tools: the trace index (KV `traces`) and the
 * stored messages themselves, read by stream and sequence. Reading any stored message by
 * sequence (`STREAM.MSG.GET`) and writing the sandbox are operator rights, which no organisation
 * has; in the embedded setup the operator is the `admin` identity of the data folder. The tools
 * are developer tools, so they run with that identity and never publish on live subjects.
 */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { SchakelError } from "@schakel/contracts";
import { TraceIndex } from "./index-store.ts";

export interface Operator {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  index: TraceIndex;
  close(): Promise<void>;
}

export interface OperatorOptions {
  servers: string | string[];
  /** The operator's user nkey seed (SU…). */
  seed: string;
  name?: string;
}

/** Connects as the operator; throws SchakelError("unreachable") naming the server when it cannot. */
export async function connectOperator(opts: OperatorOptions): Promise<Operator> {
  const servers = Array.isArray(opts.servers) ? opts.servers : [opts.servers];
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: opts.name ?? "schakel-tracing",
      authenticator: nkeyAuthenticator(new TextEncoder().encode(opts.seed)),
      noAsyncTraces: true,
      maxReconnectAttempts: 0,
    });
  } catch (cause) {
    throw new SchakelError("unreachable", `cannot reach the bus at ${servers.join(", ")} as the operator (${(cause as Error).message}): is "schakel up" running?`, { servers }, { cause });
  }
  try {
    const js = jetstream(nc, { timeout: 10_000 });
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    const index = await TraceIndex.open(js);
    return { nc, js, jsm, index, close: () => nc.drain().catch(() => nc.close()) };
  } catch (cause) {
    await nc.close();
    throw new SchakelError("unreachable", `the bus at ${servers.join(", ")} has no trace index (KV bucket "traces"): provision it with "schakel up"`, { servers }, { cause });
  }
}
