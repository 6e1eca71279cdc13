/**
 * The keys of a bucket at one moment. The client's own key listing reads the bucket's stream with
 * a consumer and stops when that consumer has nothing pending; a key updated while it runs can
 * come out twice, or not at all (its old value is gone before it is read, its new one comes after
 * the listing stopped). The stream's subject index, asked for with STREAM.INFO and a subjects
 * filter, is read by the server in one go: every key stored at that moment, once. It includes
 * deleted keys (their last message is the delete marker); readers skip those when they get them.
 */
import type { KV } from "@nats-io/kv";
import { JS_API } from "../js-api.ts";
import type { BucketUser, RecordStore } from "./records.ts";
import { managerOf } from "./transport.ts";

interface BucketStream {
  user: BucketUser;
  stream: string;
  subjectPrefix: string;
}

const streams = new WeakMap<object, BucketStream>();

/** Called by `openBucket`: where the bucket's stream is, for {@link storedKeys}, and who opened it. */
export function registerBucketStream(kv: KV, bucket: string, user: BucketUser): void {
  streams.set(kv, { user, stream: JS_API.kvStream(bucket), subjectPrefix: JS_API.kvKeys(bucket).slice(0, -1) });
}

/** Who opened `store` with `openBucket` (undefined for any other store, e.g. the in-memory one). */
export function bucketUserOf(store: object): BucketUser | undefined {
  return streams.get(store)?.user;
}

/**
 * Every key matching `filter` (KV wildcards) stored in `store` at one moment, deleted ones
 * included, each once. A store not opened with `openBucket` (the in-memory one) lists its keys itself.
 */
export async function storedKeys(store: RecordStore, filter: string): Promise<string[]> {
  const bucket = streams.get(store);
  if (!bucket) {
    const keys = new Set<string>();
    for await (const k of await store.keys(filter)) keys.add(k);
    return [...keys];
  }
  const info = await (await managerOf(bucket.user)).streams.info(bucket.stream, { subjects_filter: bucket.subjectPrefix + filter });
  return Object.keys(info.state.subjects ?? {}).map((s) => s.slice(bucket.subjectPrefix.length));
}
