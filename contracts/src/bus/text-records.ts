/**
 * Text records in a KV bucket: each value is UTF-8 text stored as it is, not JSON. Some buckets
 * hold such values from before typed records (the trace index's pointers `msg.<id>` and
 * `notice.<id>` hold a bare trace id), and old data must stay readable, so they are read and
 * written as text. Typed JSON records use RecordBucket (records.ts); both read a bucket that
 * `openBucket` opened for whoever may use it (an organisation's Bus or an operator connection).
 */
import type { KV } from "@nats-io/kv";
import { isRevisionConflict, type Stored } from "./records.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Text values in one bucket, read and written without encoding. */
export class TextRecords {
  readonly #kv: KV;
  constructor(kv: KV, readonly what: string) {
    this.#kv = kv;
  }

  /** The value, or undefined when absent or deleted. Throws the KV error when the bus does not answer. */
  async get(key: string): Promise<Stored<string> | undefined> {
    const e = await this.#kv.get(key);
    if (!e || e.operation !== "PUT") return undefined;
    return { key, value: dec.decode(e.value), revision: e.revision };
  }

  /** Unconditional write (a value that every writer would write the same); returns the revision. */
  async put(key: string, text: string): Promise<number> {
    return this.#kv.put(key, enc.encode(text));
  }

  /**
   * Writes the value unless the key already holds one: true when written, false when another
   * writer was first (an expected outcome). Throws the KV error for anything else.
   */
  async createIfAbsent(key: string, text: string): Promise<boolean> {
    try {
      await this.#kv.create(key, enc.encode(text));
      return true;
    } catch (err) {
      if (isRevisionConflict(err)) return false;
      throw err;
    }
  }
}
