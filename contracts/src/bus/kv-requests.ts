/**
 * A bucket's records read and written through the bus's one publisher (ack-pipeline.ts) instead
 * of the KV client's requests. Every consumed message costs a service a few bucket operations (its
 * processed id looked up, its record created, the id marked), and the KV client pays for each what
 * `js.publish` pays (ack-pipeline.ts): a request with its own timer, and after it a
 * `RequestError("cancelled")` built only to reject a settled promise; a record that is not there
 * also costs a `JetStreamApiError` with its stack, made and caught. Here a read is one request on
 * the shared reply subscription whose answer is read as it comes, and a write is a publish of the
 * pipeline. Subjects, headers and answers are the KV client's own (its `Bucket` computes the
 * subjects, leaf and domain prefixes included), so records written either way read the same.
 */
import { JetStreamApiCodes, JetStreamApiError, PubHeaders, type ApiError } from "@nats-io/jetstream";
import { Bucket } from "@nats-io/kv";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { JS_API } from "../js-api.ts";
import { bucketUserOf } from "./bucket-keys.ts";
import { isRevisionConflict, type BucketUser, type RecordStore } from "./records.ts";
import { publisherOf, transportOf } from "./transport.ts";

/** What STREAM.MSG.GET answers. */
interface MsgGetAnswer {
  message?: { subject: string; seq: number; hdrs?: string; data?: string };
  error?: ApiError;
}

const enc = new TextEncoder();
const OPERATION = /\r\nKV-Operation:\s*([A-Z]+)/i;

/** The KV-Operation a stored record's headers carry (base64 as the API sends them): PUT when none. */
function operationOf(hdrs: string | undefined): string {
  if (!hdrs) return "PUT";
  return OPERATION.exec(Buffer.from(hdrs, "base64").toString("latin1"))?.[1]?.toUpperCase() ?? "PUT";
}

/** A bucket opened with `openBucket`, its records read and written through its user's publisher. */
class PipelinedStore implements RecordStore {
  readonly #kv: Bucket;
  readonly #user: BucketUser;
  readonly #msgGet: string;

  constructor(kv: Bucket, user: BucketUser) {
    this.#kv = kv;
    this.#user = user;
    this.#msgGet = JS_API.streamMsgGetAt(transportOf(user).js.apiPrefix, kv.stream);
  }

  /** The encoded key, checked as the KV client checks it. */
  #key(key: string): string {
    const ek = this.#kv.encodeKey(key);
    this.#kv.validateKey(ek);
    return ek;
  }

  async get(key: string): Promise<{ value: Uint8Array; revision: number; operation: string } | null> {
    const subject = this.#kv.subjectForKey(this.#key(key));
    const answer = (await publisherOf(this.#user).request(this.#msgGet, enc.encode(JSON.stringify({ last_by_subj: subject })))) as MsgGetAnswer;
    if (answer.error) {
      if (answer.error.err_code === JetStreamApiCodes.NoMessageFound) return null;
      throw new JetStreamApiError(answer.error);
    }
    const m = answer.message;
    if (!m || m.subject !== subject) return null;
    return { value: Buffer.from(m.data ?? "", "base64"), revision: m.seq, operation: operationOf(m.hdrs) };
  }

  async #put(key: string, value: Uint8Array | string, previousRevision?: number): Promise<number> {
    const data = typeof value === "string" ? enc.encode(value) : value;
    const subject = this.#kv.subjectForKey(this.#key(key), true);
    let h;
    if (previousRevision !== undefined) {
      h = natsHeaders();
      h.set(PubHeaders.ExpectedLastSubjectSequenceHdr, `${previousRevision}`);
    }
    return (await publisherOf(this.#user).publish(subject, data, h)).seq;
  }

  put(key: string, value: Uint8Array | string): Promise<number> {
    return this.#put(key, value);
  }

  /** Only when the key holds nothing, or a deleted record (as the KV client's `create`). */
  async create(key: string, value: Uint8Array): Promise<number> {
    try {
      return await this.#put(key, value, 0);
    } catch (err) {
      if (!isRevisionConflict(err)) throw err;
      const existing = await this.get(key);
      if (existing?.operation === "DEL" || existing?.operation === "PURGE") return this.#put(key, value, existing.revision);
      throw err;
    }
  }

  update(key: string, value: Uint8Array, revision: number): Promise<number> {
    if (revision <= 0) throw new Error("version must be greater than 0");
    return this.#put(key, value, revision);
  }

  keys(filter: string): Promise<AsyncIterable<string>> {
    return this.#kv.keys(filter);
  }
}

const stores = new WeakMap<object, RecordStore>();

/**
 * The store to read and write `kv`'s records through: for a bucket opened with `openBucket`, its
 * user's publisher (one per bucket, made once); any other store (the in-memory one) as it is.
 */
export function pipelinedStore(kv: RecordStore): RecordStore {
  const user = bucketUserOf(kv);
  if (!user || !(kv instanceof Bucket)) return kv;
  let store = stores.get(kv);
  if (!store) {
    store = new PipelinedStore(kv, user);
    stores.set(kv, store);
  }
  return store;
}
