/**
 * Reads everything that moves between the levels into the read model, as the platform
 * coordinator: one feed slot (`<platform>--feed-N`, an ephemeral pull consumer the platform may
 * create itself with a broker-checked filter) on COORD and one on CASE, from the first message,
 * then live. Every message goes through the bus client's decode path — signature, key, schema —
 * before it is shown; refused ones are counted, never displayed.
 */
import { AckPolicy, DeliverPolicy, jetstreamManager, type ConsumerMessages, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { ALL_CASE, ALL_COORD, FEED_SLOTS, feedConsumerName, newMessageId, STREAMS } from "@schakel/contracts";
import { decodeMessage, HEADERS, type Bus } from "@schakel/contracts/bus";
import type { ReadModel } from "../model/read-model.ts";

export interface FeedReaderOptions {
  bus: Bus;
  model: ReadModel;
  /** Operator notes (slot taken, consumer lost and recreated); default: none. */
  onNote?: (note: string) => void;
}

export interface FeedReader {
  /** Resolves once both streams' backlogs have been read (the dashboard is complete). */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

const SOURCES = [
  { stream: STREAMS.coord.name, filter: ALL_COORD },
  { stream: STREAMS.case.name, filter: ALL_CASE },
] as const;

// Ephemeral slots vanish this long after the console stops pulling (a crash leaves no debris).
const INACTIVE_NS = 30 * 1e9;
// The consumer's creation time is the server's clock; allow for a little skew against ours.
const CLOCK_SLACK_MS = 1_000;

/**
 * Creates this console's consumer in a free feed slot. Slots are shared by every process of the
 * platform identity, and nats-server 2.9 answers a create for an existing name by returning (or
 * updating) that consumer instead of refusing it. So a slot counts as taken when the consumer
 * the server returns was created before our request, or has already delivered messages or has
 * pull requests waiting; we then leave it alone (a stale one expires after INACTIVE_NS) and try
 * the next slot, rather than share another reader's messages.
 */
async function claimSlot(jsm: JetStreamManager, bus: Bus, stream: string, filter: string, startSeq: number, instance: string): Promise<string> {
  const errors: string[] = [];
  for (let slot = FEED_SLOTS; slot >= 1; slot--) {
    const name = feedConsumerName(bus.org, slot);
    const requested = Date.now();
    try {
      const info = await jsm.consumers.add(stream, {
        name, filter_subject: filter, ack_policy: AckPolicy.None, mem_storage: true, inactive_threshold: INACTIVE_NS,
        description: `schakel console ${instance}`,
        ...(startSeq > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq } : { deliver_policy: DeliverPolicy.All }),
      });
      const preexisting = Date.parse(info.created) < requested - CLOCK_SLACK_MS || info.delivered.consumer_seq > 0 || info.num_waiting > 0;
      if (!preexisting) return name;
      errors.push(`${name}: in use`);
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no free feed slot for "${bus.org}" on ${stream} (${FEED_SLOTS} slots, all taken or refused: ${errors.slice(0, 3).join("; ")}); stop another console or wait 30 s for stale slots to expire`);
}

/** Starts reading COORD and CASE into the model. */
export function startFeedReader(opts: FeedReaderOptions): FeedReader {
  const { bus, model } = opts;
  const note = opts.onNote ?? (() => {});
  const instance = newMessageId();
  let stopped = false;
  const active = new Map<string, { messages?: ConsumerMessages; name?: string }>();
  let jsmPromise: Promise<JetStreamManager> | undefined;
  const jsm = () => (jsmPromise ??= jetstreamManager(bus.nc));

  function handle(m: JsMsg): void {
    let signature: string | undefined;
    try {
      signature = m.headers?.get(HEADERS.signature) || undefined;
    } catch {
      signature = undefined;
    }
    const storedAt = m.info.timestampNanos / 1e6;
    const decoded = decodeMessage({ subject: m.subject, body: m.data, signature, storedAt: new Date(storedAt) }, { directory: bus.directory, skewMs: bus.skewMs });
    if (!decoded.ok) return model.refuse(m.info.stream, m.seq, m.subject, decoded.rejection);
    model.ingest(decoded.type, decoded.envelope, { stream: m.info.stream, seq: m.seq, storedAt });
  }

  async function read(stream: string, filter: string, markCaughtUp: () => void): Promise<void> {
    let next = 1;
    const state: { messages?: ConsumerMessages; name?: string } = {};
    active.set(stream, state);
    while (!stopped) {
      try {
        const manager = await jsm();
        // A slot we held before an interruption is ours to free before claiming again.
        if (state.name) await manager.consumers.delete(stream, state.name).catch(() => undefined);
        state.name = await claimSlot(manager, bus, stream, filter, next, instance);
        const consumer = await bus.js.consumers.get(stream, state.name);
        const info = await consumer.info(true);
        if (info.num_pending === 0) markCaughtUp();
        state.messages = await consumer.consume({ max_messages: 1_000, abort_on_missing_resource: true });
        if (stopped) state.messages.stop();
        let sinceYield = 0;
        for await (const m of state.messages) {
          next = m.seq + 1;
          handle(m);
          if (m.info.pending === 0) markCaughtUp();
          // Verifying signatures is CPU work: yield now and then so pages stay responsive while
          // a large backlog is read.
          if (++sinceYield >= 200) {
            sinceYield = 0;
            await new Promise((r) => setImmediate(r));
          }
          if (stopped) break;
        }
      } catch (err) {
        if (stopped) break;
        note(`feed on ${stream} interrupted (${(err as Error).message}); resuming from sequence ${next}`);
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  const caughtUp = Promise.all(SOURCES.map(({ stream, filter }) => new Promise<void>((resolve) => {
    const done = () => {
      model.caughtUp.add(stream);
      resolve();
    };
    read(stream, filter, done).catch((err) => note(`feed on ${stream} stopped: ${(err as Error).message}`));
  }))).then(() => {
    model.complete = true;
  });

  return {
    caughtUp,
    async stop() {
      stopped = true;
      const manager = jsmPromise ? await jsmPromise.catch(() => undefined) : undefined;
      await Promise.allSettled([...active].map(async ([stream, s]) => {
        s.messages?.stop();
        // Free the slot now rather than after the inactivity threshold.
        if (manager && s.name && !bus.nc.isClosed()) await manager.consumers.delete(stream, s.name).catch(() => undefined);
      }));
    },
  };
}
