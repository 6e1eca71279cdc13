/**
 * The auditor: runs as the `audit` identity (its own broker account), reads COORD, CASE,
 * DEADLETTER and READS (the read audit) in order through its own durable consumers, and appends one chained record per stored
 * message to the log file. Messages are read raw (bytes and headers as stored) in batches through
 * the bus client's read path (`readStreamBatches`), which keeps pulling through reconnects. A batch
 * is fsync'ed before its messages are acknowledged; a restart
 * resumes from the log (the source of truth), skipping what the log already holds. It sees
 * metadata and digests only: case content is sealed, and the log keeps no message bodies — except
 * the who and what of each verified read record (read-entry.ts), which is what the read audit is for.
 */
import { AUDIT_ID, auditConsumers, STREAMS } from "@schakel/contracts";
import { DEFAULT_SKEW_MS, KeyDirectory, OperatorConnection, readStreamBatches, watchReachability, type StreamRead } from "@schakel/contracts/bus";
import { directoryPath } from "@schakel/infra";
import { openCheckpoints, writeCheckpoint, type Checkpoints } from "./checkpoints.ts";
import { messageDigest, storedAtOf } from "./digest.ts";
import { auditLogPath, AuditLogWriter, readHead, type ChainHead } from "./log.ts";
import { observeChain } from "./metrics.ts";
import { readEntryOf } from "./read-entry.ts";
import { chain, type AuditRecord, type StoredEntry } from "./record.ts";

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
  /**
   * The key directory read records are verified with (default: the data folder's directory file,
   * followed for rotations and revocations).
   */
  directory?: KeyDirectory;
  /** Clock tolerance for read records (default DEFAULT_SKEW_MS, as every receiver). */
  skewMs?: number;
  onRecord?: (r: AuditRecord) => void;
  onError?: (err: Error, stream: string) => void;
}

export interface Auditor {
  readonly logPath: string;
  /** The chain's head: number of records and the last hash. */
  head(): { records: number; hash: string };
  /** Resolves once every stored message of every audited stream is in the log. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /**
   * For readiness probes: connected to the bus, and every audited stream read once to its end since
   * start (asked of the broker until it is; then only the connection counts).
   */
  readiness(): Promise<{ ready: boolean; reason?: string }>;
  stop(): Promise<void>;
}

/** Starts the auditor; resolves when its consumers are in place and it is reading. */
export async function startAuditor(opts: AuditorOptions): Promise<Auditor> {
  const logPath = opts.logPath ?? auditLogPath(opts.dataDir);
  const head: ChainHead = await readHead(logPath);
  const directory = opts.directory ?? KeyDirectory.fromFile(directoryPath(opts.dataDir));
  const unwatchDirectory = opts.directory ? () => {} : directory.watchFile(directoryPath(opts.dataDir), (err) => opts.onError?.(err, "directory"));
  const verifier = { directory, skewMs: opts.skewMs ?? DEFAULT_SKEW_MS };
  const audit = await OperatorConnection.connect({ servers: opts.servers, as: AUDIT_ID, seed: opts.seed });
  const consumers = auditConsumers();
  // A durable ahead of the log (the log was replaced, or lost its tail) is re-created, so nothing is skipped.
  for (const c of consumers) await audit.durableFrom(c, { afterSeq: head.lastSeq.get(c.stream) ?? 0, description: "audit chain" });
  const writer = await AuditLogWriter.open(logPath);
  const kv: Checkpoints = await openCheckpoints(audit);
  let checkpointed = { index: head.next - 1, at: Date.now() };
  let appending: Promise<unknown> = Promise.resolve();
  const stopMetrics = observeChain(() => ({ records: head.next, checkpointed }));
  // After a burst and then silence the tail would stay unanchored until the next message (and the
  // checkpoint-age alert would fire on a healthy auditor): look on the interval too.
  const checkpointTimer = setInterval(() => {
    const run = appending.then(() => checkpoint(false));
    appending = run.catch((err) => opts.onError?.(err as Error, "checkpoint"));
  }, opts.checkpointIntervalMs ?? 60_000);
  checkpointTimer.unref();

  async function checkpoint(force: boolean): Promise<void> {
    const last = head.next - 1;
    if (last < 0 || last === checkpointed.index) return;
    const due = last - checkpointed.index >= (opts.checkpointEvery ?? 1_000) || Date.now() - checkpointed.at >= (opts.checkpointIntervalMs ?? 60_000);
    if (!force && !due) return;
    await writeCheckpoint(kv, { i: last, hash: head.hash });
    checkpointed = { index: last, at: Date.now() };
  }

  /** Chains a batch of one stream, writes and syncs it; serialised across streams (one chain). */
  function record(stream: string, batch: StreamRead[]): Promise<void> {
    const run = async () => {
      const records: AuditRecord[] = [];
      for (const m of batch) {
        if (m.seq <= (head.lastSeq.get(stream) ?? 0)) continue; // already in the log (redelivery after a crash)
        const entry: StoredEntry = { stream, seq: m.seq, subject: m.subject, storedAt: storedAtOf(m.storedAtNanos), digest: messageDigest(m.headers, m.body) };
        const r = chain(head.next, head.hash, stream === STREAMS.reads.name ? { ...entry, ...readEntryOf(verifier, m) } : entry);
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

  // Trouble (the bus away, a failed write) is retried by the reader; the operator hears of it through onError.
  const readings = consumers.map((c) => readStreamBatches(audit, {
    consumer: c, mode: "raw", batch: opts.batch ?? 256, onInterrupted: (error) => opts.onError?.(new Error(error), c.stream),
  }, async (batch) => {
    await record(c.stream, batch);
    for (const m of batch) m.ack();
  }));

  const reachability = watchReachability(audit, {});
  let caughtUpOnce = false;

  return {
    logPath,
    head: () => ({ records: head.next, hash: head.hash }),
    async readiness() {
      if (reachability.down) return { ready: false, reason: "not connected to the bus (reconnecting)" };
      if (!caughtUpOnce) {
        const backlogs = await Promise.all(consumers.map((c) => audit.backlog(c)));
        const behind = consumers.flatMap((c, k) => (backlogs[k]!.pending > 0 ? [`${c.stream} ${backlogs[k]!.pending}`] : []));
        if (behind.length) return { ready: false, reason: `catching up on the stored messages (${behind.join(", ")} to chain)` };
        caughtUpOnce = true;
      }
      return { ready: true };
    },
    async caughtUp(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const backlogs = await Promise.all(consumers.map((c) => audit.backlog(c)));
        if (backlogs.every((b) => b.pending === 0 && b.unacknowledged === 0)) return;
        if (Date.now() > deadline) throw new Error(`the auditor did not catch up in ${timeoutMs} ms (pending: ${consumers.map((c, k) => `${c.stream} ${backlogs[k]!.pending + backlogs[k]!.unacknowledged}`).join(", ")})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      stopMetrics();
      unwatchDirectory();
      clearInterval(checkpointTimer);
      for (const r of readings) r.stop();
      await Promise.all(readings.map((r) => r.closed));
      await appending;
      await checkpoint(true).catch((err) => opts.onError?.(err as Error, "checkpoint"));
      await writer.close();
      await audit.close();
    },
  };
}
