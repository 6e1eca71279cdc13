/**
 * Following the records of one kind in a bucket: first every record the bucket holds, then each
 * change as it is written, decoded by the kind's schema. A process that keeps an index of its
 * records (a timer over deadlines, a read model) rebuilds it from here after a restart and keeps
 * it current afterwards, without knowing how the bucket is stored.
 */
import type { z } from "zod";
import { SchakelError } from "../errors.ts";
import type { RecordBucket } from "./records.ts";

/** One change to a record of the watched kind (keys without the kind's prefix). */
export type RecordChange<T> =
  | { kind: "written"; key: string; value: T; revision: number }
  | { kind: "removed"; key: string }
  /** The stored value does not match the schema: the watch goes on with the next change. */
  | { kind: "invalid"; key: string; error: Error };

/** The changes, in the order they were stored, until `stop()` or the connection ends. */
export interface RecordWatch<T> extends AsyncIterable<RecordChange<T>> {
  /** Ends the iteration (a loop over it finishes); safe to call more than once. */
  stop(): void;
}

/**
 * Watches every record of `records`' kind. Throws the JetStream error when the watch cannot be
 * created (bucket missing, bus away); the iteration itself ends when the connection closes, so
 * a caller that must outlive outages watches again.
 */
export async function watchRecords<S extends z.ZodType>(records: RecordBucket<S>): Promise<RecordWatch<z.infer<S>>> {
  if (!records.kv.watch) throw new SchakelError("failed", `${records.what} records are kept in a store that cannot be watched (only a KV bucket can)`);
  const entries = await records.kv.watch({ key: `${records.keyPrefix}>` });
  async function* changes(): AsyncGenerator<RecordChange<z.infer<S>>> {
    for await (const e of entries) {
      const key = records.ownKey(e.key);
      if (key === undefined) continue;
      if (e.operation !== "PUT") {
        yield { kind: "removed", key };
        continue;
      }
      let change: RecordChange<z.infer<S>>;
      try {
        change = { kind: "written", key, value: records.decode(key, e.value), revision: e.revision };
      } catch (err) {
        change = { kind: "invalid", key, error: err as Error };
      }
      yield change;
    }
  }
  return {
    [Symbol.asyncIterator]: changes,
    stop: () => entries.stop(),
  };
}
