/**
 * The auditor: runs as the `audit` identity (its own broker account), reads COORD, CASE and
 * DEADLETTER in order through its own durable consumers, and appends one chained record per stored
 * message to the log file. A batch is fsync'ed before its messages are acknowledged; a restart
 * resumes from the log (the source of truth), skipping what the log already holds. It sees
 * metadata and digests only: case content is sealed, and the log keeps no message bodies.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { AUDIT_ID, auditConsumers, inboxPrefix, type InboxConsumer } from "@schakel/contracts";
import { openCheckpoints, writeCheckpoint } from "./checkpoints.ts";
import { messageDigest, storedAtOf } from "./digest.ts";
import { auditLogPath, AuditLogWriter, readHead, type ChainHead } from "./log.ts";
import { chain, type AuditRecord } from "./record.ts";

export interface AuditorOptions {
  servers: string | string[];
  /** The audit identity's user nkey seed (`identities.audit.seed`). */
  seed: string;
  /** The data folder; the log is `<data>/audit/chain.jsonl` unless `logPath` is given. */
  dataDir: string;
  logPath?: string;
  /** Write a checkpoint after this many records (default 1 000) … */
  checkpointEvery?: number;
  /** … or after this long with new records (default 60 s). */
  checkpointIntervalMs?: number;
  /** Messages fetched per pull (default 256). */
  batch?: number;
  onRecord?: (r: AuditRecord) => void;
  onError?: (err: Error, stream: string) => void;
}

export interface Auditor {
  readonly logPath: string;
  /** The chain's head: number of records and the last hash. */
  head(): { records: number; hash: string };
  /** Resolves once every stored message of every audited stream is in the log. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Makes sure the consumer starts right after what the log already holds. */
async function ensureConsumer(jsm: JetStreamManager, c: InboxConsumer, lastSeq: number): Promise<void> {
  const info = await jsm.consumers.info(c.stream, c.name).catch(() => null);
  // A consumer ahead of the log (the log was replaced, or lost its tail) would skip messages.
  if (info && info.ack_floor.stream_seq > lastSeq) await jsm.consumers.delete(c.stream, c.name);
  else if (info) return;
  await jsm.consumers.add(c.stream, {
    durable_name: c.name, filter_subject: c.filter, ack_policy: AckPolicy.Explicit, ack_wait: 60e9, max_ack_pending: 4_096,
    description: "audit chain", ...(lastSeq > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastSeq + 1 } : { deliver_policy: DeliverPolicy.All }),
  });
}

/** Starts the auditor; resolves when its consumers are in place and it is reading. */
export async function startAuditor(opts: AuditorOptions): Promise<Auditor> {
  const logPath = opts.logPath ?? auditLogPath(opts.dataDir);
  const head: ChainHead = await readHead(logPath);
  const nc: NatsConnection = await connect({
    servers: opts.servers, name: "schakel-audit", authenticator: nkeyAuthenticator(new TextEncoder().encode(opts.seed)),
    inboxPrefix: inboxPrefix(AUDIT_ID), noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 500,
  });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const consumers = auditConsumers();
  for (const c of consumers) await ensureConsumer(jsm, c, head.lastSeq.get(c.stream) ?? 0);
  const writer = await AuditLogWriter.open(logPath);
  const kv: KV = await openCheckpoints(js);
  let checkpointed = { index: head.next - 1, at: Date.now() };
  let stopped = false;
  let appending: Promise<unknown> = Promise.resolve();

  async function checkpoint(force: boolean): Promise<void> {
    const last = head.next - 1;
    if (last < 0 || last === checkpointed.index) return;
    const due = last - checkpointed.index >= (opts.checkpointEvery ?? 1_000) || Date.now() - checkpointed.at >= (opts.checkpointIntervalMs ?? 60_000);
    if (!force && !due) return;
    await writeCheckpoint(kv, { i: last, hash: head.hash });
    checkpointed = { index: last, at: Date.now() };
  }

  /** Chains a batch of one stream, writes and syncs it; serialised across streams (one chain). */
  function record(stream: string, batch: JsMsg[]): Promise<void> {
    const run = async () => {
      const records: AuditRecord[] = [];
      for (const m of batch) {
        if (m.seq <= (head.lastSeq.get(stream) ?? 0)) continue; // already in the log (redelivery after a crash)
        const r = chain(head.next, head.hash, { stream, seq: m.seq, subject: m.subject, storedAt: storedAtOf(m.info.timestampNanos), digest: messageDigest(m.headers, m.data) });
        records.push(r);
        head.next++;
        head.hash = r.hash;
        head.lastSeq.set(stream, m.seq);
      }
      await writer.append(records);
      await writer.sync();
      for (const r of records) opts.onRecord?.(r);
      await checkpoint(false);
    };
    const next = appending.then(run);
    appending = next.catch(() => {});
    return next;
  }

  async function follow(c: InboxConsumer): Promise<void> {
    while (!stopped) {
      try {
        const consumer = await js.consumers.get(c.stream, c.name);
        const batch: JsMsg[] = [];
        for await (const m of await consumer.fetch({ max_messages: opts.batch ?? 256, expires: 1_000 })) batch.push(m);
        if (!batch.length) continue;
        await record(c.stream, batch);
        for (const m of batch) m.ack();
      } catch (err) {
        if (stopped) break;
        opts.onError?.(err as Error, c.stream);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  const loops = Promise.all(consumers.map(follow));

  return {
    logPath,
    head: () => ({ records: head.next, hash: head.hash }),
    async caughtUp(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const infos = await Promise.all(consumers.map((c) => jsm.consumers.info(c.stream, c.name)));
        if (infos.every((i) => i.num_pending === 0 && i.num_ack_pending === 0)) return;
        if (Date.now() > deadline) throw new Error(`the auditor did not catch up in ${timeoutMs} ms (pending: ${infos.map((i) => `${i.stream_name} ${i.num_pending + i.num_ack_pending}`).join(", ")})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      stopped = true;
      await loops;
      await appending;
      await checkpoint(true).catch((err) => opts.onError?.(err as Error, "checkpoint"));
      await writer.close();
      await nc.drain().catch(() => nc.close());
    },
  };
}
