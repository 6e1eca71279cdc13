/**
 * An organisation's own state: its KV bucket `org-<id>` (full use by that organisation only),
 * holding one kind of record per key prefix and the ids of the messages its service processed.
 * Opened once per connection and shared by the service and by functions such as
 * `acknowledgeNotice` that the CLI calls with its own connection.
 */
import { ORG_PROCESSED_PREFIX, orgStateBucket } from "@schakel/contracts";
import { KvProcessedStore, openBucket, RecordBucket, type Bus, type ProcessedStore, type RecordStore } from "@schakel/contracts/bus";
import {
  CaseFile, CaseTransferIn, IncomingConsultation, IncomingRequest, LivcComposition, OutgoingConsultation, OutgoingRequest, ReceivedDigest, ReceivedEscalation,
  ReceivedKnowledge, ReceivedNotice, SentNotice, SignalRecord,
} from "./records.ts";

/** Key prefixes of the record kinds in `org-<id>`. */
export const ORG_RECORD_PREFIXES = {
  notices: "notice",
  sent: "sent",
  requestsIn: "request-in",
  requestsOut: "request-out",
  digests: "digest",
  escalations: "escalation",
  signals: "signal",
  knowledge: "knowledge",
  consultationsIn: "case-in",
  consultationsOut: "case-out",
  livc: "livc",
  cases: "case-file",
  transfersIn: "case-transfer-in",
  processed: ORG_PROCESSED_PREFIX,
} as const;

export interface OrgState {
  org: string;
  notices: RecordBucket<typeof ReceivedNotice>;
  sent: RecordBucket<typeof SentNotice>;
  requestsIn: RecordBucket<typeof IncomingRequest>;
  requestsOut: RecordBucket<typeof OutgoingRequest>;
  digests: RecordBucket<typeof ReceivedDigest>;
  escalations: RecordBucket<typeof ReceivedEscalation>;
  signals: RecordBucket<typeof SignalRecord>;
  knowledge: RecordBucket<typeof ReceivedKnowledge>;
  consultationsIn: RecordBucket<typeof IncomingConsultation>;
  consultationsOut: RecordBucket<typeof OutgoingConsultation>;
  /** LIVC-R compositions, by municipality. */
  livc: RecordBucket<typeof LivcComposition>;
  /** Cases this organisation takes part in, by case reference. */
  cases: RecordBucket<typeof CaseFile>;
  /** Cases handed over to this municipality's LIVC-R, by case reference. */
  transfersIn: RecordBucket<typeof CaseTransferIn>;
  /** Ids of processed messages, so a redelivered message is not handled twice. */
  processed: ProcessedStore;
}

const cache = new WeakMap<Bus, Promise<OrgState>>();

/** The state of the bus's organisation; opened once per connection. */
export function orgState(bus: Bus): Promise<OrgState> {
  let state = cache.get(bus);
  if (!state) {
    state = open(bus);
    cache.set(bus, state);
    state.catch(() => cache.delete(bus));
  }
  return state;
}

async function open(bus: Bus): Promise<OrgState> {
  return orgStateIn(await openBucket(bus, orgStateBucket(bus.org)), bus.org);
}

/**
 * The state of `org` kept in `kv`: its bucket `org-<id>` in production, an in-memory store
 * (`memoryRecordStore` of @schakel/contracts/bus/testing) in handler tests without a server.
 */
export function orgStateIn(kv: RecordStore, org: string): OrgState {
  const p = ORG_RECORD_PREFIXES;
  return {
    org,
    notices: new RecordBucket(kv, ReceivedNotice, "received notice", p.notices),
    sent: new RecordBucket(kv, SentNotice, "sent notice", p.sent),
    requestsIn: new RecordBucket(kv, IncomingRequest, "incoming coordination request", p.requestsIn),
    requestsOut: new RecordBucket(kv, OutgoingRequest, "outgoing coordination request", p.requestsOut),
    digests: new RecordBucket(kv, ReceivedDigest, "digest", p.digests),
    escalations: new RecordBucket(kv, ReceivedEscalation, "escalation", p.escalations),
    signals: new RecordBucket(kv, SignalRecord, "signal", p.signals),
    knowledge: new RecordBucket(kv, ReceivedKnowledge, "knowledge", p.knowledge),
    consultationsIn: new RecordBucket(kv, IncomingConsultation, "incoming case consultation", p.consultationsIn),
    consultationsOut: new RecordBucket(kv, OutgoingConsultation, "outgoing case consultation", p.consultationsOut),
    livc: new RecordBucket(kv, LivcComposition, "LIVC-R composition", p.livc),
    cases: new RecordBucket(kv, CaseFile, "case", p.cases),
    transfersIn: new RecordBucket(kv, CaseTransferIn, "case handed over", p.transfersIn),
    processed: new KvProcessedStore(kv, p.processed),
  };
}
