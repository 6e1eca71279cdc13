/**
 * Gathering what `schakel status` shows, with the operator (admin) identity: every stream's numbers
 * (one paged list), every consumer of the live streams and DEADLETTER (one paged list each: the
 * inbox backlogs of all organisations and the auditor's position), the recent window of each
 * stream (activity.ts), the platform's obligation records, the audit chain's last checkpoint (the
 * newest entry of its bucket's stream), and who is connected (connections.ts). A `Gatherer` is
 * kept across the rounds of `--watch`.
 */
import { AUDIT_BUCKET, BUCKETS, JS_API, STREAMS } from "@schakel/contracts";
import { openRecords, type ConsumerSummary, type OperatorConnection, type StreamSummary } from "@schakel/contracts/bus";
import { StoredCheckpoint } from "@schakel/audit";
import { DigestState, NoticeRecord, Obligation, openObligations, type PlatformStores } from "@schakel/platform";
import { StreamActivity } from "./activity.ts";
import { readConnectionCounts, readReadiness, type ConnectionCounts, type Readiness, type SourceReading } from "./connections.ts";

/** An obligation past its deadline and not met: who owes it, since when. */
export interface OverdueObligation {
  owedBy: string;
  deadline: string;
}

/** One round's reading of the bus. */
export interface Snapshot {
  at: number;
  streams: StreamSummary[];
  /** Consumers of COORD, CASE and DEADLETTER, keyed `<stream>/<name>`. */
  consumers: Map<string, ConsumerSummary>;
  activity: StreamActivity;
  overdue: OverdueObligation[];
  checkpoint: StoredCheckpoint | null;
  connections: SourceReading<ConnectionCounts>;
  readiness: SourceReading<Readiness>;
}

export const consumerKey = (stream: string, name: string): string => `${stream}/${name}`;

/** Where the monitoring and health endpoints are (from `connection.json`; either may be absent). */
export interface Endpoints {
  monitorUrl?: string | undefined;
  healthUrl?: string | undefined;
}

export class Gatherer {
  readonly activity: StreamActivity;
  #platform: PlatformStores | undefined;

  constructor(readonly op: OperatorConnection, windowMs: number) {
    this.activity = new StreamActivity(windowMs);
  }

  /** Reads the bus once. Throws the JetStream error when the bus does not answer. */
  async gather(endpoints: Endpoints, now = Date.now()): Promise<Snapshot> {
    // The HTTP endpoints are asked while the bus is read.
    const connections = readConnectionCounts(endpoints.monitorUrl);
    const readiness = readReadiness(endpoints.healthUrl);
    const streams = await this.op.streamSummaries();
    const consumers = new Map<string, ConsumerSummary>();
    for (const stream of [STREAMS.coord.name, STREAMS.case.name, STREAMS.deadletter.name]) {
      if (!streams.some((s) => s.name === stream)) continue;
      for (const c of await this.op.consumerSummaries(stream)) consumers.set(consumerKey(stream, c.name), c);
    }
    await this.activity.refresh(this.op, now);
    return {
      at: now, streams, consumers, activity: this.activity, overdue: await this.#overdue(now),
      checkpoint: await this.#lastCheckpoint(streams), connections: await connections, readiness: await readiness,
    };
  }

  /** Overdue as the platform's read model says (open, past the deadline), from its buckets read as the operator. */
  async #overdue(now: number): Promise<OverdueObligation[]> {
    this.#platform ??= {
      obligations: await openRecords(this.op, BUCKETS.obligations, Obligation, "obligation"),
      deliveries: await openRecords(this.op, BUCKETS.deliveries, NoticeRecord, "notice delivery", "notice"),
      digests: await openRecords(this.op, BUCKETS.digests, DigestState, "digest window", "municipality"),
    };
    return (await openObligations(this.#platform, { now: new Date(now) })).filter((o) => o.overdue).map((o) => ({ owedBy: o.owedBy, deadline: o.deadline }));
  }

  /** The checkpoint the auditor wrote last: the newest entry of its bucket (written in index order). */
  async #lastCheckpoint(streams: StreamSummary[]): Promise<StoredCheckpoint | null> {
    const name = JS_API.kvStream(AUDIT_BUCKET);
    const kv = streams.find((s) => s.name === name);
    if (!kv || kv.messages === 0) return null;
    const last = await this.op.storedMessage(name, kv.lastSeq);
    if (!last || last.body.length === 0) return null;
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(last.body));
    } catch {
      return null;
    }
    const parsed = StoredCheckpoint.safeParse(value);
    return parsed.success ? parsed.data : null;
  }
}
