/**
 * Taking a JetStream snapshot of one stream (nats.js v3 has no helper, so the bus client speaks
 * the server's chunked protocol itself, as `nats stream backup` does):
 * 1. subscribe to a deliver subject in the operator's inbox, then ask
 *    `$JS.API.STREAM.SNAPSHOT.<stream>` with `{deliver_subject, chunk_size, jsck?, no_consumers?}`;
 *    the answer carries the stream's config and state at the moment of the snapshot (consistent:
 *    the server snapshots the store under the stream's lock);
 * 2. the server sends the tar.s2 archive in chunks to the deliver subject; each chunk carries a
 *    reply subject (`$JS.SNAPSHOT.ACK.<stream>.<id>.<size>.<index>`) that must be answered: it
 *    is the flow control (the server holds back past its window of unacknowledged bytes);
 * 3. an empty message ends it. A 2.9 server sends it bare; newer servers add a status header:
 *    204 for success, 408/500 with a description for a failure, which is reported here.
 * A chunk without a reply subject (a 2.9 server's last short read) is data too.
 * Memory streams cannot be snapshotted (the server refuses); callers skip them.
 */
import { createInbox, type Msg, type NatsConnection } from "@nats-io/transport-node";
import { SchakelError } from "../errors.ts";
import { JS_MANAGEMENT_API } from "../security.ts";

/** The stream's config and state as the server reported them: kept as JSON and given back at restore. */
export interface SnapshotMeta {
  config: Record<string, unknown> & { name: string };
  state: Record<string, unknown> & { messages: number; bytes: number; first_seq: number; last_seq: number };
}

export interface SnapshotOptions {
  /** Bytes per chunk the server sends (default 128 KiB). */
  chunkSize?: number;
  /** Have the server check every message's checksum first (`jsck`, slower). */
  checkMessages?: boolean;
  /** Leave the stream's consumers out (default: included, so durables resume where they were). */
  noConsumers?: boolean;
  /** How long the server may stay silent before the snapshot counts as stalled (default 30 s). */
  idleMs?: number;
  /** Called after each chunk was written, with the bytes received so far. */
  onProgress?: (bytes: number) => void;
}

export interface TakenSnapshot extends SnapshotMeta {
  /** Bytes of the archive received. */
  bytes: number;
  chunks: number;
}

interface ApiAnswer {
  type?: string;
  error?: { code: number; err_code?: number; description?: string };
}

/** The JetStream error code for "stream not found". */
export const STREAM_NOT_FOUND = 10059;

/**
 * Parses a JetStream API answer; an answer with an error becomes a SchakelError naming `what`
 * (`not-found` for a missing stream, `failed` otherwise) with the server's code in its details.
 */
export function apiAnswer<T extends object>(data: Uint8Array, what: string): T & ApiAnswer {
  let answer: T & ApiAnswer;
  try {
    answer = JSON.parse(new TextDecoder().decode(data)) as T & ApiAnswer;
  } catch (cause) {
    throw new SchakelError("failed", `${what}: the server's answer is not JSON`, {}, { cause });
  }
  const e = answer.error;
  if (e) {
    const code = e.err_code === STREAM_NOT_FOUND ? "not-found" : "failed";
    throw new SchakelError(code, `${what}: ${e.description ?? "refused"} (JetStream ${e.code}${e.err_code ? `/${e.err_code}` : ""})`, { status: e.code, apiCode: e.err_code });
  }
  return answer;
}

/** Why a snapshot's end message reports a failure, or undefined for a clean end. */
function endFailure(m: Msg): string | undefined {
  const h = m.headers;
  if (!h || !h.code || h.code === 204) return undefined;
  return `${h.code} ${h.description}`.trim();
}

/**
 * Streams a snapshot of `stream` into `write` (called in order, one chunk at a time; a chunk is
 * acknowledged to the server only once written, so a slow disk slows the server down).
 * @throws SchakelError `not-found` when the stream does not exist, `timeout` when the server stalls,
 * `failed` when it reports a failure, or the error `write` threw.
 */
export async function takeSnapshot(nc: NatsConnection, inboxPrefix: string, stream: string, write: (chunk: Uint8Array) => Promise<void>, opts: SnapshotOptions = {}): Promise<TakenSnapshot> {
  const deliver = createInbox(inboxPrefix);
  const idleMs = opts.idleMs ?? 30_000;
  let bytes = 0;
  let chunks = 0;
  let failed = false;
  let written = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let settle!: { ok: () => void; fail: (err: unknown) => void };
  const finished = new Promise<void>((ok, fail) => (settle = { ok, fail }));
  // A failure may come while the request is still out; it is awaited below.
  finished.catch(() => undefined);
  const idle = () => {
    clearTimeout(timer);
    timer = setTimeout(() => settle.fail(new SchakelError("timeout", `snapshot of ${stream}: the server sent nothing for ${idleMs / 1000} s after ${bytes} bytes`, { stream, bytes })), idleMs);
  };
  const sub = nc.subscribe(deliver, {
    callback: (err, m) => {
      if (err) return settle.fail(err);
      idle();
      if (m.data.length === 0) {
        const failure = endFailure(m);
        written = written.then(() => (failure ? settle.fail(new SchakelError("failed", `snapshot of ${stream} failed on the server: ${failure}`, { stream })) : settle.ok()));
        return;
      }
      const chunk = m.data;
      written = written.then(async () => {
        // After a failed write nothing more is written or acknowledged: the server stops when we unsubscribe.
        if (failed) return;
        await write(chunk);
        bytes += chunk.length;
        chunks++;
        opts.onProgress?.(bytes);
        if (m.reply) m.respond();
      }).catch((e: unknown) => {
        failed = true;
        settle.fail(e);
      });
    },
  });
  try {
    idle();
    const request = { deliver_subject: deliver, chunk_size: opts.chunkSize ?? 128 * 1024, ...(opts.checkMessages ? { jsck: true } : {}), ...(opts.noConsumers ? { no_consumers: true } : {}) };
    const reply = await nc.request(JS_MANAGEMENT_API.streamSnapshot(stream), JSON.stringify(request), { timeout: idleMs });
    const meta = apiAnswer<SnapshotMeta>(reply.data, `snapshot of ${stream}`);
    await finished;
    await written;
    return { config: meta.config, state: meta.state, bytes, chunks };
  } finally {
    clearTimeout(timer);
    sub.unsubscribe();
  }
}
