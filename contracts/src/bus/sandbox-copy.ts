/**
 * Copies of stored messages in a sandbox namespace, for replays: the copy keeps the original's
 * bytes (same envelope, id and signature) on `sandbox.<name>.<live subject>`, which only the
 * SANDBOX stream (short retention) stores, with the replay marker headers that `verifyStored`
 * reads on the other side. Nothing here can publish on a live subject: the subject is built by
 * `sandboxSubject`, and a copy stored anywhere but SANDBOX is an error. Writing the sandbox is an
 * operator right, so only the operator connection (operator-connection.ts) offers this.
 */
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { SchakelError } from "../errors.ts";
import { STREAMS, type InboxConsumer } from "../streams.ts";
import { sandboxSubject } from "../subjects.ts";
import { sandboxConsumer } from "../tracing-subjects.ts";
import { HEADERS } from "./headers.ts";
import { consumerInfoIfAny } from "./inspection.ts";

/** The original of a copy: where it is stored, as plain data. */
export interface SandboxOriginal {
  stream: string;
  seq: number;
  /** Its live subject. */
  subject: string;
  /** The broker's storage time of the original (ISO). */
  storedAt: string;
  /** Its headers, one value per name. */
  headers: Readonly<Record<string, string>>;
  /** The exact stored bytes. */
  body: Uint8Array;
}

/** Where a copy was stored. */
export interface SandboxCopy {
  stream: string;
  seq: number;
}

/** Headers of the original that travel with the copy (the signature covers the live subject and body). */
const CARRIED = [HEADERS.contentType, HEADERS.signature, HEADERS.traceparent, HEADERS.tracestate] as const;

/**
 * Makes sure sandbox `name` has its durable consumer `sandbox--<name>` (deliver all, explicit ack,
 * no delivery limit), so a service started before or after the replay sees every copy. Throws a
 * SubjectError for a bad name, the JetStream error when the broker refuses.
 */
export async function prepareSandbox(jsm: JetStreamManager, name: string): Promise<InboxConsumer> {
  const consumer = sandboxConsumer(name);
  if (!(await consumerInfoIfAny(jsm, consumer.stream, consumer.name))) {
    await jsm.consumers.add(consumer.stream, {
      durable_name: consumer.name, filter_subject: consumer.filter, ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All, max_deliver: -1, ack_wait: 30 * 1e9, description: `replays into sandbox ${name}`,
    });
  }
  return consumer;
}

/**
 * Publishes a copy of `original` into sandbox `name` with message id `msgId` (JetStream stores a
 * repeat of the same id once). Throws SchakelError("not-allowed") when the copy was stored outside
 * SANDBOX, and the client's error when the publication fails.
 */
export async function copyToSandbox(js: JetStreamClient, name: string, original: SandboxOriginal, msgId: string): Promise<SandboxCopy> {
  const h = natsHeaders();
  for (const k of CARRIED) if (original.headers[k]) h.set(k, original.headers[k]!);
  h.set(HEADERS.replay, name);
  h.set(HEADERS.replayOriginalSeq, String(original.seq));
  h.set(HEADERS.replayOriginalTime, original.storedAt);
  const subject = sandboxSubject(name, original.subject);
  const ack = await js.publish(subject, original.body, { headers: h, msgID: msgId });
  if (ack.stream !== STREAMS.sandbox.name) {
    throw new SchakelError("not-allowed", `a replayed copy on ${subject} was stored in ${ack.stream}, not ${STREAMS.sandbox.name}: stopping the replay; check the stream configuration`, { subject, stream: ack.stream });
  }
  return { stream: ack.stream, seq: ack.seq };
}
