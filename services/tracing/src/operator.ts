/**
 * The operator's view of the bus for traceability tools: the trace index (KV `traces`) and the
 * stored messages themselves, read by stream and sequence. Reading any stored message by
 * sequence (`STREAM.MSG.GET`) and writing the sandbox are operator rights, which no organisation
 * has; in the embedded setup the operator is the `admin` identity of the data folder. The tools
 * are developer tools, so they run with that identity and never publish on live subjects.
 */
import { ADMIN_ID, SchakelError } from "@schakel/contracts";
import { connectError, OperatorConnection } from "@schakel/contracts/bus";
import { TraceIndex } from "./index-store.ts";

export interface Operator {
  /** The admin identity's connection: stored messages, stream states, the sandbox. */
  connection: OperatorConnection;
  index: TraceIndex;
  close(): Promise<void>;
}

export interface OperatorOptions {
  servers: string | string[];
  /** The operator's user nkey seed (SU…). */
  seed: string;
  name?: string;
}

/**
 * Connects as the operator (the admin identity) and opens the trace index. Throws
 * SchakelError("credentials-refused") when the bus refuses the seed, ("unreachable") naming the
 * server when it is not there, and ("unreachable") when the bus has no trace index yet.
 */
export async function connectOperator(opts: OperatorOptions): Promise<Operator> {
  const servers = Array.isArray(opts.servers) ? opts.servers : [opts.servers];
  let connection: OperatorConnection;
  try {
    // A one-off tool: fail fast rather than reconnect forever (the CLI waits and retries itself).
    connection = await OperatorConnection.connect({ servers, as: ADMIN_ID, seed: opts.seed, name: opts.name ?? "schakel-tracing", reconnect: false });
  } catch (err) {
    throw connectError(err, servers, "operator");
  }
  try {
    const index = await TraceIndex.open(connection);
    return { connection, index, close: () => connection.close() };
  } catch (cause) {
    await connection.close();
    throw new SchakelError("unreachable", `the bus at ${servers.join(", ")} has no trace index (KV bucket "traces"): provision it with "schakel up"`, { servers }, { cause });
  }
}
