/**
 * An in-memory record store with a KV bucket's rules, for handler tests without a server: every
 * write gets the next revision; `create` fails when the key holds a value, `update` when the
 * revision moved on, each with the JetStream error a bucket gives (API code 10071), so
 * `RecordBucket` sees the same conflicts it sees on a server. Keys filter with KV wildcards.
 */
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { subjectMatches } from "../subjects.ts";
import type { RecordStore } from "./records.ts";

const enc = new TextEncoder();

/** The error a bucket answers to a lost compare-and-set. */
function wrongLastSequence(key: string, last: number): JetStreamApiError {
  return new JetStreamApiError({ code: 400, err_code: JetStreamApiCodes.StreamWrongLastSequence, description: `wrong last sequence: ${last} (key ${key})` });
}

/** A new empty store; see the file comment. */
export function memoryRecordStore(): RecordStore {
  const entries = new Map<string, { value: Uint8Array; revision: number }>();
  let revision = 0;
  const write = (key: string, value: Uint8Array | string): number => {
    entries.set(key, { value: typeof value === "string" ? enc.encode(value) : value, revision: ++revision });
    return revision;
  };
  return {
    async get(key) {
      const e = entries.get(key);
      return e ? { value: e.value, revision: e.revision, operation: "PUT" } : null;
    },
    async create(key, value) {
      const e = entries.get(key);
      if (e) throw wrongLastSequence(key, e.revision);
      return write(key, value);
    },
    async update(key, value, expected) {
      const e = entries.get(key);
      if ((e?.revision ?? 0) !== expected) throw wrongLastSequence(key, e?.revision ?? 0);
      return write(key, value);
    },
    async put(key, value) {
      return write(key, value);
    },
    async keys(filter) {
      const found = [...entries.keys()].filter((k) => subjectMatches(filter, k));
      return (async function* () {
        yield* found;
      })();
    },
  };
}
