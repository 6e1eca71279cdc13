/**
 * Replay into a sandbox namespace: each message is copied byte for byte (same envelope, same id,
 * same signature) to `sandbox.<name>.<live subject>`, which only the SANDBOX stream (short
 * retention) stores, with the replay marker headers. A service under development reads it through
 * the durable consumer `sandbox--<name>` with `replayMode: true`; a live service refuses such
 * copies. Nothing here can publish on a live subject: every subject is built by
 * `sandboxSubject`, and a copy stored anywhere but SANDBOX stops the replay.
 */
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { sandboxConsumer, sandboxSubject, SchakelError, STREAMS, type InboxConsumer } from "@schakel/contracts";
import { HEADERS } from "@schakel/contracts/bus";
import type { Operator } from "../operator.ts";
import type { StoredMessage } from "../stored.ts";

/** Headers of the original that travel with the copy (the signature covers the live subject and body). */
const CARRIED = [HEADERS.signature, HEADERS.traceparent, HEADERS.tracestate] as const;

export interface SandboxTarget {
  name: string;
  consumer: InboxConsumer;
  deliver(m: StoredMessage): Promise<{ stream: string; seq: number }>;
}

/**
 * Prepares sandbox `name`: creates its durable consumer (deliver all, explicit ack) if missing,
 * so a service started before or after the replay sees every copy.
 */
export async function sandboxTarget(op: Operator, name: string, runId: string): Promise<SandboxTarget> {
  const consumer = sandboxConsumer(name);
  const exists = await op.jsm.consumers.info(consumer.stream, consumer.name).then(() => true, () => false);
  if (!exists) {
    await op.jsm.consumers.add(consumer.stream, {
      durable_name: consumer.name, filter_subject: consumer.filter, ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All, max_deliver: -1, ack_wait: 30 * 1e9, description: `replays into sandbox ${name}`,
    });
  }
  return {
    name,
    consumer,
    async deliver(m) {
      const h = natsHeaders();
      for (const k of CARRIED) if (m.headers[k]) h.set(k, m.headers[k]!);
      h.set(HEADERS.replay, name);
      h.set(HEADERS.replayOriginalSeq, String(m.seq));
      h.set(HEADERS.replayOriginalTime, m.storedAt);
      const subject = sandboxSubject(name, m.subject);
      const ack = await op.js.publish(subject, m.body, { headers: h, msgID: `${runId}:${m.stream}:${m.seq}` });
      if (ack.stream !== STREAMS.sandbox.name) {
        throw new SchakelError("not-allowed", `a replayed copy on ${subject} was stored in ${ack.stream}, not ${STREAMS.sandbox.name}: stopping the replay; check the stream configuration`, { subject, stream: ack.stream });
      }
      return { stream: ack.stream, seq: ack.seq };
    },
  };
}
