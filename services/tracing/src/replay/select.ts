/**
 * What a replay replays, in original order (broker storage time):
 * - a trace: its index entries, each read from its stream by sequence (cost proportional to the
 *   trace, like the lookup); these messages were verified when they were indexed;
 * - a window: ordered consumers on COORD and/or CASE from `since`, filtered by sender and type
 *   on the server, merged by storage time, up to `until` and never past what was stored when the
 *   replay started.
 */
import { typeInSubject, windowFilters, type WindowFilter } from "@schakel/contracts";
import type { TraceEntry } from "../entry.ts";
import { NotIndexedError } from "../errors.ts";
import { lookupTrace } from "../index-store.ts";
import type { Operator } from "../operator.ts";
import { plainStored, readStored, type StoredMessage } from "../stored.ts";

/** One message to replay; `entry` is set when the trace index holds (and so verified) it. */
export interface ReplayItem {
  stored: StoredMessage;
  entry?: TraceEntry;
}

export interface Selection {
  /** How many messages (known up front for a trace; for a window, an upper bound once known). */
  total(): number | undefined;
  items: AsyncIterable<ReplayItem>;
  /** For a trace: its id. */
  traceId?: string;
}

export interface WindowOptions {
  since: Date;
  until?: Date;
  /** Type glob: `notice.*`, `notice.>`, `*.raised`, `notice.ack*`. */
  typeGlob?: string;
  from?: string;
}

/** Selects a trace by trace, message or notice id; throws NotIndexedError when not indexed. */
export async function selectTrace(op: Operator, id: string): Promise<Selection> {
  const trace = await lookupTrace(op.index, id);
  if (!trace) throw new NotIndexedError(id);
  async function* items(): AsyncIterable<ReplayItem> {
    // Read ahead in small parallel batches; a message expired from its stream is skipped.
    for (let i = 0; i < trace!.entries.length; i += 32) {
      const batch = trace!.entries.slice(i, i + 32);
      const read = await Promise.all(batch.map((e) => readStored(op.connection, e.stream, e.seq)));
      for (let j = 0; j < batch.length; j++) if (read[j]) yield { stored: read[j]!, entry: batch[j]! };
    }
  }
  return { total: () => trace.entries.length, items: items(), traceId: trace.traceId };
}

/** A type glob as an exact matcher of type names (`*` within a token, `>`/`**` for the rest). */
export function typeMatcher(glob = ">"): (type: string) => boolean {
  const parts = glob.split(".").map((t, i, all) =>
    t === ">" || t === "**" ? (i === all.length - 1 ? ".+" : "[^.]+") : t.replace(/[^a-z*]/g, "").replace(/\*/g, "[^.]*"));
  const re = new RegExp(`^${parts.join("\\.")}$`);
  return (type) => re.test(type);
}

/** One stream's part of a window, read by the bus client; `onCount` learns how many it holds at most. */
async function* readWindow(op: Operator, f: WindowFilter, w: WindowOptions, onCount: (n: number) => void): AsyncGenerator<StoredMessage> {
  const wanted = typeMatcher(w.typeGlob);
  let counted = false;
  for await (const m of op.connection.readRange({ stream: f.stream, filter: f.filter, since: w.since, ...(w.until ? { until: w.until } : {}) })) {
    if (!counted) (counted = true), onCount(m.pending + 1);
    // The server filters by subject; a type glob with `*` inside a token is finished here.
    if (wanted(typeInSubject(m.subject))) yield plainStored(m);
  }
}

/** Selects a time window across the live streams, merged in storage order. */
export function selectWindow(op: Operator, w: WindowOptions): Selection {
  const filters = windowFilters({ ...(w.typeGlob ? { typeGlob: w.typeGlob } : {}), ...(w.from ? { from: w.from } : {}) });
  const counts = new Map<string, number>();
  async function* items(): AsyncIterable<ReplayItem> {
    const sources = filters.map((f) => readWindow(op, f, w, (n) => counts.set(f.stream, n)));
    const heads = await Promise.all(sources.map((s) => s.next()));
    for (;;) {
      let pick = -1;
      heads.forEach((h, i) => {
        if (h.done) return;
        if (pick < 0 || h.value.storedAt < (heads[pick]!.value as StoredMessage).storedAt) pick = i;
      });
      if (pick < 0) return;
      yield { stored: heads[pick]!.value as StoredMessage };
      heads[pick] = await sources[pick]!.next();
    }
  }
  return { total: () => (counts.size ? [...counts.values()].reduce((a, b) => a + b, 0) : undefined), items: items() };
}
