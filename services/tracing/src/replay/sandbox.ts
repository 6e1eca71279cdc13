/**
 * Replay into a sandbox namespace: each message is copied byte for byte (same envelope, same id,
 * same signature) to `sandbox.<name>.<live subject>`, which only the SANDBOX stream (short
 * retention) stores, with the replay marker headers. A service under development reads it through
 * the durable consumer `sandbox--<name>` with `replayMode: true`; a live service refuses such
 * copies. The copy itself is the bus client's operation (`OperatorConnection.copyToSandbox`),
 * which never publishes on a live subject and stops when a copy lands outside SANDBOX.
 */
import type { InboxConsumer } from "@schakel/contracts";
import { replayCopyId, type OperatorConnection } from "@schakel/contracts/bus";
import type { StoredMessage } from "../stored.ts";

export interface SandboxTarget {
  name: string;
  consumer: InboxConsumer;
  deliver(m: StoredMessage): Promise<{ stream: string; seq: number }>;
}

/**
 * Prepares sandbox `name`: creates its durable consumer (deliver all, explicit ack) if missing,
 * so a service started before or after the replay sees every copy. Copies of one run carry the
 * message id `<runId>:<stream>:<seq>` (`replayCopyId`, as the AsyncAPI document's sandbox channel
 * says), so a repeated copy within a run is stored once. Throws a
 * SubjectError for a bad name.
 */
export async function sandboxTarget(op: OperatorConnection, name: string, runId: string): Promise<SandboxTarget> {
  const consumer = await op.prepareSandbox(name);
  return {
    name,
    consumer,
    deliver: (m) => op.copyToSandbox(name, m, replayCopyId(runId, m.stream, m.seq)),
  };
}
