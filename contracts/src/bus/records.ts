/**
 * Typed records in a JetStream KV bucket: every value is validated by its zod schema on the way
 * in and out, and changes use compare-and-set on the entry's revision so that two writers (or a
 * writer restarted after a crash) never overwrite each other. A failed compare-and-set is an
 * expected outcome (`conflict`), not an exception; on nats-server 2.9 it surfaces as
 * a JetStream API error with code 10071, which {@link isRevisionConflict} recognises.
 */
import { JetStreamApiCodes } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { z } from "zod";
import { SchakelError } from "../errors.ts";
import type { Bus } from "./bus.ts";
import type { OperatorConnection } from "./operator-connection.ts";
import { jetStreamApiCode } from "./errors-map.ts";
import { registerBucketStream, storedKeys } from "./bucket-keys.ts";
import { pipelinedStore } from "./kv-requests.ts";
import { transportOf } from "./transport.ts";

/**
 * Whether `err` is a lost compare-and-set: JetStream's API code 10071 (JSStreamWrongLastSequenceErr,
 * `JetStreamApiCodes.StreamWrongLastSequence`; what nats-server 2.9 sends) or 10164 (the same
 * without the sequence, from later servers), on the error or one of its causes.
 */
export function isRevisionConflict(err: unknown): boolean {
  const code = jetStreamApiCode(err);
  return code === JetStreamApiCodes.StreamWrongLastSequence || code === JetStreamApiCodes.StreamWrongLastSequenceUnknown;
}

/** One stored record and the revision to compare against when changing it. */
export interface Stored<T> {
  key: string;
  value: T;
  revision: number;
}

export type CreateOutcome<T> = { created: true; revision: number } | { created: false; existing: Stored<T> | undefined };
export type UpdateOutcome = { ok: true; revision: number } | { ok: false; conflict: true };

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Who may open a provisioned bucket: an organisation's Bus (its own buckets) or an operator connection. */
export type BucketUser = Bus | OperatorConnection;

/**
 * Opens an existing bucket (no create: buckets are provisioned, and an organisation may open only
 * its own). Throws the JetStream error when the bucket does not exist, the user may not use it,
 * or the bus does not answer.
 */
export async function openBucket(user: BucketUser, bucket: string): Promise<KV> {
  const kv = await new Kvm(transportOf(user).js).open(bucket);
  registerBucketStream(kv, bucket, user);
  return kv;
}

/** Opens a provisioned bucket as typed records of `schema` (see RecordBucket). Throws like {@link openBucket}. */
export async function openRecords<S extends z.ZodType>(user: BucketUser, bucket: string, schema: S, what: string, prefix = ""): Promise<RecordBucket<S>> {
  return new RecordBucket(await openBucket(user, bucket), schema, what, prefix);
}

/**
 * What records are kept in: a JetStream KV bucket (`openBucket`), or an in-memory store with the
 * same compare-and-set rules for handler tests (`memoryRecordStore` in ./testing.ts). A failed
 * create or update throws an error that {@link isRevisionConflict} recognises.
 */
export interface RecordStore {
  get(key: string): Promise<{ value: Uint8Array; revision: number; operation: string } | null>;
  create(key: string, value: Uint8Array): Promise<number>;
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
  put(key: string, value: Uint8Array | string): Promise<number>;
  keys(filter: string): Promise<AsyncIterable<string>>;
  /** Present on a KV bucket: every change as it happens (see record-watch.ts). */
  watch?: KV["watch"];
}

/**
 * Records of one schema in a KV bucket, optionally under a key prefix (`<prefix>.<key>`), so that
 * one bucket can hold several kinds of record. Keys given to and returned by the methods are
 * without the prefix.
 */
export class RecordBucket<S extends z.ZodType> {
  readonly #prefix: string;
  /** Where reads and writes go: the bucket's user's publisher for a bucket from `openBucket` (kv-requests.ts). */
  readonly #store: RecordStore;
  constructor(readonly kv: RecordStore, readonly schema: S, readonly what: string, prefix = "") {
    this.#prefix = prefix ? `${prefix}.` : "";
    this.#store = pipelinedStore(kv);
  }

  #k(key: string): string {
    return this.#prefix + key;
  }

  /** `<prefix>.` or "" — prepend it to a KV key filter to watch this record kind only. */
  get keyPrefix(): string {
    return this.#prefix;
  }

  #parse(key: string, bytes: Uint8Array): z.infer<S> {
    let raw: unknown;
    try {
      raw = JSON.parse(dec.decode(bytes));
    } catch {
      raw = undefined;
    }
    const parsed = this.schema.safeParse(raw);
    if (!parsed.success) {
      const list = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      throw new SchakelError("schema", `${this.what} record "${key}" is invalid — ${list}`, { key });
    }
    return parsed.data;
  }

  #encode(value: z.infer<S>): Uint8Array {
    return enc.encode(JSON.stringify(this.schema.parse(value)));
  }

  /** The record, or undefined when absent or deleted. Throws SchakelError("schema") for a corrupt value. */
  async get(key: string): Promise<Stored<z.infer<S>> | undefined> {
    const e = await this.#store.get(this.#k(key));
    if (!e || e.operation !== "PUT") return undefined;
    return { key, value: this.#parse(key, e.value), revision: e.revision };
  }

  /** Creates the record unless it exists; then returns the existing one instead. */
  async create(key: string, value: z.infer<S>): Promise<CreateOutcome<z.infer<S>>> {
    try {
      return { created: true, revision: await this.#store.create(this.#k(key), this.#encode(value)) };
    } catch (err) {
      if (!isRevisionConflict(err)) throw err;
      return { created: false, existing: await this.get(key) };
    }
  }

  /** Replaces the record if it is still at `revision`. */
  async update(key: string, value: z.infer<S>, revision: number): Promise<UpdateOutcome> {
    try {
      return { ok: true, revision: await this.#store.update(this.#k(key), this.#encode(value), revision) };
    } catch (err) {
      if (isRevisionConflict(err)) return { ok: false, conflict: true };
      throw err;
    }
  }

  /** Unconditional write (only for records with a single writer). */
  async put(key: string, value: z.infer<S>): Promise<number> {
    return this.#store.put(this.#k(key), this.#encode(value));
  }

  /**
   * Read-modify-write with compare-and-set, retried on conflict. `change` gets the current value
   * (undefined when absent) and returns the new one, or undefined to leave it as it is. Returns
   * the record as stored afterwards (undefined if absent and unchanged).
   */
  async mutate(key: string, change: (current: z.infer<S> | undefined) => z.infer<S> | undefined, attempts = 20): Promise<Stored<z.infer<S>> | undefined> {
    for (let i = 0; i < attempts; i++) {
      const current = await this.get(key);
      const next = change(current?.value);
      if (next === undefined) return current;
      if (!current) {
        const c = await this.create(key, next);
        if (c.created) return { key, value: next, revision: c.revision };
        continue;
      }
      const u = await this.update(key, next, current.revision);
      if (u.ok) return { key, value: next, revision: u.revision };
    }
    throw new SchakelError("conflict", `${this.what} record "${key}" kept changing under ${attempts} attempts to update it; try again`, { key });
  }

  /**
   * Keys matching a filter (KV wildcards `*` and `>`) as stored at one moment, each once (see
   * bucket-keys.ts). A deleted key may be among them: {@link get} answers undefined for it.
   */
  async keys(filter = ">"): Promise<string[]> {
    return (await storedKeys(this.kv, this.#k(filter))).map((k) => k.slice(this.#prefix.length));
  }

  /**
   * Every record matching a filter, as stored at one moment (each key once, also while records
   * change). Corrupt records are skipped and reported through `onInvalid`.
   */
  async list(filter = ">", onInvalid?: (key: string, err: unknown) => void): Promise<Stored<z.infer<S>>[]> {
    const keys = await this.keys(filter);
    const out: Stored<z.infer<S>>[] = [];
    for (let i = 0; i < keys.length; i += 64) {
      const batch = await Promise.all(keys.slice(i, i + 64).map((k) => this.get(k).catch((err) => (onInvalid?.(k, err), undefined))));
      for (const r of batch) if (r) out.push(r);
    }
    return out;
  }

  /** The key without prefix when `fullKey` (e.g. from a watch) belongs to this record kind. */
  ownKey(fullKey: string): string | undefined {
    return fullKey.startsWith(this.#prefix) ? fullKey.slice(this.#prefix.length) : undefined;
  }

  /** Decodes a raw value of this bucket (e.g. from a watch); throws like {@link get}. */
  decode(key: string, bytes: Uint8Array): z.infer<S> {
    return this.#parse(key, bytes);
  }
}
