/**
 * Restoring one stream from a snapshot (snapshot.ts), with the server's chunked protocol:
 * 1. ask `$JS.API.STREAM.RESTORE.<stream>` with the `{config, state}` the snapshot reported; the
 *    server refuses when a stream of that name exists, else answers with a deliver subject;
 * 2. send the archive to it in chunks, each as a request: the server answers each with an empty
 *    message (written) or `-ERR …` (it stops); it gives up after 5 s without a chunk;
 * 3. send an empty message: the server unpacks the archive and answers with the stream's info
 *    (config and state as restored) or an error.
 * Messages keep their sequence numbers, subjects, headers, bytes and storage times; consumers
 * in the snapshot come back with their positions.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { SchakelError } from "../errors.ts";
import { JS_MANAGEMENT_API } from "../security.ts";
import { apiAnswer, type SnapshotMeta } from "./snapshot.ts";

export interface RestoreOptions {
  /** How long one chunk may wait for the server's answer (default 30 s). */
  chunkTimeoutMs?: number;
  /** How long the server may take to unpack the archive at the end (default 10 min). */
  finishTimeoutMs?: number;
  /** Called after each chunk the server accepted, with the bytes sent so far. */
  onProgress?: (bytes: number) => void;
}

export interface RestoredStream {
  /** The stream's state as the server holds it after the restore. */
  state: SnapshotMeta["state"];
  bytes: number;
}

/** Chunks the restore sends at most (the server takes any size up to its max_payload). */
const RESTORE_CHUNK = 64 * 1024;

async function* rechunked(data: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  for await (const piece of data) {
    for (let at = 0; at < piece.length; at += size) yield piece.subarray(at, at + size);
  }
}

/**
 * Restores `meta.config.name` from `archive` (the snapshot's bytes, in order).
 * @throws SchakelError `failed` when the server refuses (a stream of that name exists, the
 * config is not acceptable, a chunk was refused, the archive is damaged), `timeout` when it does
 * not answer in time.
 */
export async function restoreSnapshot(nc: NatsConnection, meta: SnapshotMeta, archive: AsyncIterable<Uint8Array>, opts: RestoreOptions = {}): Promise<RestoredStream> {
  const stream = meta.config.name;
  const what = `restore of ${stream}`;
  const chunkTimeout = opts.chunkTimeoutMs ?? 30_000;
  const ask = (subject: string, data: Uint8Array | string, timeout: number) =>
    nc.request(subject, data, { timeout }).catch((cause: unknown) => {
      throw new SchakelError("timeout", `${what}: the server did not answer (${(cause as Error).message})`, { stream }, { cause });
    });
  const started = apiAnswer<{ deliver_subject: string }>((await ask(JS_MANAGEMENT_API.streamRestore(stream), JSON.stringify(meta), chunkTimeout)).data, what);
  const deliver = started.deliver_subject;
  let bytes = 0;
  const size = Math.min(RESTORE_CHUNK, nc.info?.max_payload ?? RESTORE_CHUNK);
  for await (const chunk of rechunked(archive, size)) {
    const answer = await ask(deliver, chunk, chunkTimeout);
    if (answer.data.length > 0) {
      throw new SchakelError("failed", `${what}: the server refused a chunk after ${bytes} bytes: ${new TextDecoder().decode(answer.data)}`, { stream, bytes });
    }
    bytes += chunk.length;
    opts.onProgress?.(bytes);
  }
  const done = await ask(deliver, new Uint8Array(0), opts.finishTimeoutMs ?? 600_000);
  const info = apiAnswer<{ state: SnapshotMeta["state"] }>(done.data, what);
  return { state: info.state, bytes };
}
