/**
 * Idempotency on the envelope id. JetStream delivers at least once; a handler wrapped by the
 * consumer runs at most once per envelope id as long as the store remembers it. The memory store
 * is bounded (oldest forgotten first); a KV-backed store survives restarts.
 */
import { pipelinedStore } from "./kv-requests.ts";
import type { RecordStore } from "./records.ts";

export interface ProcessedStore {
  has(id: string): Promise<boolean>;
  add(id: string): Promise<void>;
}

export class MemoryProcessedStore implements ProcessedStore {
  #ids = new Set<string>();
  constructor(private readonly limit = 100_000) {}
  async has(id: string): Promise<boolean> {
    return this.#ids.has(id);
  }
  async add(id: string): Promise<void> {
    this.#ids.add(id);
    if (this.#ids.size > this.limit) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
  }
}

/** Remembers processed ids in a KV bucket (keys `<scope>.<id>`), in front of a memory cache. */
export class KvProcessedStore implements ProcessedStore {
  #cache = new MemoryProcessedStore(50_000);
  readonly #kv: RecordStore;
  constructor(kv: RecordStore, private readonly scope: string) {
    this.#kv = pipelinedStore(kv);
  }
  #key(id: string): string {
    return `${this.scope}.${id}`;
  }
  async has(id: string): Promise<boolean> {
    if (await this.#cache.has(id)) return true;
    const e = await this.#kv.get(this.#key(id));
    const seen = e !== null && e.operation === "PUT";
    if (seen) await this.#cache.add(id);
    return seen;
  }
  async add(id: string): Promise<void> {
    await this.#kv.put(this.#key(id), "1");
    await this.#cache.add(id);
  }
}

/** Wraps a handler so it runs once per envelope id (for handlers used outside `consume`). */
export function idempotent<A extends { envelope: { id: string } }>(
  store: ProcessedStore,
  handler: (msg: A) => Promise<void> | void,
): (msg: A) => Promise<boolean> {
  return async (msg) => {
    if (await store.has(msg.envelope.id)) return false;
    await handler(msg);
    await store.add(msg.envelope.id);
    return true;
  };
}
