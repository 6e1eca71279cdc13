/**
 * Reading a stream by position, for operator tools (trace lookups, replays): one stored message by
 * its sequence, a stream's state, and a range by subject filter and storage time. These are raw
 * reads — the bytes and headers as stored, no decoding — because the tools show or copy messages
 * exactly as the broker holds them. Reading any message by sequence (`STREAM.MSG.GET`) is an
 * operator right, so only the operator connection (operator-connection.ts) offers them.
 */
import { DeliverPolicy, type JetStreamClient, type JetStreamManager, type StoredMsg } from "@nats-io/jetstream";
import { storedOf, type StoredMessage } from "./stored-message.ts";

/** What a stream holds now. */
export interface StreamState {
  /** Sequence of the oldest message kept (0 or last+1 when empty). */
  firstSeq: number;
  /** Sequence of the newest message stored (0: never any). */
  lastSeq: number;
  /** Messages kept. */
  messages: number;
}

/** A range of a stream: messages on `filter`, stored from `since` up to `until` (inclusive). */
export interface StoredRange {
  stream: string;
  /** One subject filter (nats-server 2.9 takes one filter per consumer). */
  filter: string;
  since: Date;
  /**
   * Start after this sequence instead of at `since` (paging: the previous page's last). Storage
   * order is time order, so what follows it was stored after `since` too.
   */
  afterSeq?: number;
  /** Default: what was stored when the read started. */
  until?: Date;
}

/** Empty pulls in a row after which a range read that still has messages pending gives up. */
const EMPTY_PULLS = 5;

/** Messages asked for per pull; a range read holds at most this many in memory. */
const RANGE_BATCH = 256;

/**
 * The server's storage time in nanoseconds from its RFC 3339 text (nanosecond digits), since the
 * direct get reports no number; precise to the millisecond when the digits are not there.
 */
function nanosOf(timestamp: string, time: Date): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (!m) return time.getTime() * 1e6;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  return seconds * 1e6 + Number((m[2] ?? "").padEnd(9, "0").slice(0, 9));
}

function storedOfGet(stream: string, m: StoredMsg): StoredMessage {
  return {
    stream, seq: m.seq, subject: m.subject, storedAt: m.time, storedAtNanos: nanosOf(m.timestamp, m.time),
    headers: m.header, body: m.data, deliveryCount: 1, pending: 0,
  };
}

/**
 * The message stored at `seq` in `stream`, or undefined when it expired, was deleted or never
 * existed. Throws the JetStream error when the stream does not exist or the bus does not answer.
 */
export async function storedMessageAt(jsm: JetStreamManager, stream: string, seq: number): Promise<StoredMessage | undefined> {
  const m = await jsm.streams.getMessage(stream, { seq });
  return m ? storedOfGet(stream, m) : undefined;
}

/** The state of `stream`. Throws the JetStream error when it does not exist or the bus does not answer. */
export async function streamStateOf(jsm: JetStreamManager, stream: string): Promise<StreamState> {
  const { state } = await jsm.streams.info(stream);
  return { firstSeq: state.first_seq, lastSeq: state.last_seq, messages: state.messages };
}

/**
 * Reads a range in storage order with an ordered consumer, ending at `until` and never past what
 * the stream held when the read started (a busy stream would otherwise never end). Each message's
 * `pending` counts what is left on the server after it, so the first one tells how many the range
 * holds at most. Throws the JetStream error when the stream does not exist or the bus does not answer.
 */
export async function* readStoredRange(js: JetStreamClient, jsm: JetStreamManager, range: StoredRange): AsyncGenerator<StoredMessage> {
  const { lastSeq, messages } = await streamStateOf(jsm, range.stream);
  if (messages === 0) return;
  if (range.afterSeq !== undefined && range.afterSeq >= lastSeq) return;
  const start = range.afterSeq !== undefined
    ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: range.afterSeq + 1 }
    : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: range.since.toISOString() };
  const consumer = await js.consumers.get(range.stream, { filter_subjects: range.filter, ...start });
  const until = range.until?.getTime();
  /** What the server said was still pending after the last message read (unknown before the first). */
  let pending: number | undefined;
  for (let empty = 0; ; ) {
    // A short expiry: an empty pull with nothing pending means the range is exhausted; while the
    // server said more is pending it was only slow (a busy machine): ask again, a few times.
    const batch = await consumer.fetch({ max_messages: RANGE_BATCH, expires: 1_000 });
    let got = 0;
    for await (const m of batch) {
      got++;
      pending = m.info.pending;
      if (m.seq > lastSeq || (until !== undefined && m.info.timestampNanos / 1e6 > until)) return;
      yield storedOf(m);
      if (m.info.pending === 0 || m.seq === lastSeq) return;
    }
    if (got === 0 && (!pending || ++empty >= EMPTY_PULLS)) return;
  }
}
