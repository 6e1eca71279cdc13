/**
 * Read-only numbers for an operator's overview of the whole bus (`schakel status`): every stream's
 * size and age, every consumer of a stream with its backlog, and the subjects and storage times of
 * a stream's recent messages. Each is one pass whatever the number of organisations: a paged list
 * of streams, a paged list of a stream's consumers, one ordered consumer over a window that
 * delivers headers only (no bodies cross the wire). Operator connections only (operator-connection.ts).
 */
import { DeliverPolicy, type ConsumerInfo, type JetStreamClient, type JetStreamManager, type StreamInfo } from "@nats-io/jetstream";

/** A stream as the server reports it now. */
export interface StreamSummary {
  name: string;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  /** Storage time of the oldest and newest message kept; undefined when the stream is empty. */
  firstAt: Date | undefined;
  lastAt: Date | undefined;
  consumers: number;
}

/** One consumer of a stream and how far it is behind. */
export interface ConsumerSummary {
  name: string;
  /** Stored for the consumer and not yet delivered. */
  pending: number;
  /** Delivered and not yet acknowledged. */
  unacknowledged: number;
  /** Pull requests waiting at the server: a reader is asking for messages right now. */
  waitingPulls: number;
  /** The highest stream sequence acknowledged without a gap. */
  ackFloorSeq: number;
}

/** The subject and storage time of a recent message (its headers only were read). */
export interface RecentMessage {
  seq: number;
  subject: string;
  storedAt: Date;
}

/** What a recent-window read found. */
export interface RecentRead {
  messages: RecentMessage[];
  /** More messages of the window were stored than `max`: the oldest of them were not read. */
  truncated: boolean;
  /** The stream's last sequence when the read started: pass it as `afterSeq` to read only what follows. */
  throughSeq: number;
}

/** Where a recent-window read starts and how much it may read. */
export interface RecentWindow {
  /** Only messages stored at or after this time. */
  since: Date;
  /** Only messages after this sequence (what an earlier read already saw); 0 for none. */
  afterSeq?: number;
  /** At most this many of the newest messages of the window (default 50 000). */
  max?: number;
}

const EMPTY_TS = "0001-01-01T00:00:00Z";
const timeOf = (ts: string | undefined, n: number): Date | undefined => (n > 0 && ts && ts !== EMPTY_TS ? new Date(ts) : undefined);

function summaryOf(si: StreamInfo): StreamSummary {
  const s = si.state;
  return {
    name: si.config.name, messages: s.messages, bytes: s.bytes, firstSeq: s.first_seq, lastSeq: s.last_seq,
    firstAt: timeOf(s.first_ts, s.messages), lastAt: timeOf(s.last_ts, s.messages), consumers: s.consumer_count,
  };
}

/** Every stream of the account, KV buckets' streams included. Throws the JetStream error when the bus does not answer. */
export async function streamSummaries(jsm: JetStreamManager): Promise<StreamSummary[]> {
  const out: StreamSummary[] = [];
  for await (const si of jsm.streams.list()) out.push(summaryOf(si));
  return out;
}

const consumerOf = (ci: ConsumerInfo): ConsumerSummary => ({
  name: ci.name, pending: ci.num_pending, unacknowledged: ci.num_ack_pending, waitingPulls: ci.num_waiting, ackFloorSeq: ci.ack_floor.stream_seq,
});

/** Every consumer of `stream` (paged by the server). Throws the JetStream error when the stream is not there. */
export async function consumerSummaries(jsm: JetStreamManager, stream: string): Promise<ConsumerSummary[]> {
  const out: ConsumerSummary[] = [];
  for await (const ci of jsm.consumers.list(stream)) out.push(consumerOf(ci));
  return out;
}

const RECENT_MAX = 50_000;
const RECENT_BATCH = 1_000;

/**
 * The newest messages of `stream` within `window`, oldest first, headers only. When the window
 * holds more than `max`, only the newest `max` are read, and `truncated` says so. Never reads past
 * what the stream held when it started. Throws the JetStream error when the stream is not there.
 */
export async function readRecentMessages(js: JetStreamClient, jsm: JetStreamManager, stream: string, window: RecentWindow): Promise<RecentRead> {
  const { state } = await jsm.streams.info(stream);
  const max = window.max ?? RECENT_MAX;
  const after = Math.max(window.afterSeq ?? 0, state.first_seq - 1);
  const done = { messages: [], truncated: false, throughSeq: state.last_seq };
  if (state.messages === 0 || state.last_seq <= after) return done;
  const fromWindow = window.afterSeq
    ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }
    : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: window.since.toISOString() };
  // When the window holds more than `max`, read its newest `max` instead.
  const first = await readFrom(js, stream, fromWindow, window.since, state.last_seq, max + 1);
  if (first.length <= max) return { ...done, messages: first };
  const newest = { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: state.last_seq - max + 1 };
  return { ...done, messages: await readFrom(js, stream, newest, window.since, state.last_seq, max), truncated: true };
}

/** Empty pulls in a row after which a read that still has messages pending gives up. */
const EMPTY_PULLS = 5;

/** Reads up to `limit` messages from `start` through `lastSeq`, keeping those stored since `since`. */
async function readFrom(js: JetStreamClient, stream: string, start: { deliver_policy: DeliverPolicy; opt_start_seq?: number; opt_start_time?: string }, since: Date, lastSeq: number, limit: number): Promise<RecentMessage[]> {
  const consumer = await js.consumers.get(stream, { ...start, headers_only: true });
  const messages: RecentMessage[] = [];
  /** What the server said was still pending after the last message read (unknown before the first). */
  let pending: number | undefined;
  for (let empty = 0; ; ) {
    const batch = await consumer.fetch({ max_messages: Math.min(RECENT_BATCH, limit - messages.length), expires: 1_000 });
    let got = 0;
    for await (const m of batch) {
      got++;
      pending = m.info.pending;
      const storedAt = new Date(m.info.timestampNanos / 1e6);
      if (storedAt >= since) messages.push({ seq: m.seq, subject: m.subject, storedAt });
      // A full window stops early: the caller reads its newest part instead.
      if (m.info.pending === 0 || m.seq >= lastSeq || messages.length >= limit) return messages;
    }
    // An empty pull ends the read when nothing is pending; while the server said more is, it was
    // only slow (a busy machine): ask again, a few times.
    if (got === 0 && (!pending || ++empty >= EMPTY_PULLS)) return messages;
  }
}
