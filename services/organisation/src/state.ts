/**
 * An organisation's own state: its KV bucket `org-<id>` (full use by that organisation only),
 * holding one kind of record per key prefix and the ids of the messages its service processed;
 * and its case state bucket `case-<id>` (the same rules), holding the case record kinds
 * (`CASE_RECORD_KINDS`) for as long as the CASE stream keeps case messages.
 * Opened once per connection and shared by the service and by functions such as
 * `acknowledgeNotice` that the CLI calls with its own connection; opening moves case records an
 * earlier release kept in `org-<id>` (case-state-migration.ts).
 */
import { caseStateBucket, GlossaryRecord, ORG_PROCESSED_PREFIX, orgStateBucket } from "@schakel/contracts";
import { KvProcessedStore, openBucket, RecordBucket, type Bus, type ProcessedStore, type RecordStore } from "@schakel/contracts/bus";
import {
  CaseFile, CaseTransferIn, IncomingConsultation, IncomingRequest, LivcComposition, OutgoingConsultation, OutgoingRequest, ReceivedDigest, ReceivedEscalation,
  ReceivedKnowledge, ReceivedNotice, SentNotice, SignalRecord,
} from "./records.ts";
import { moveCaseState } from "./case-state-migration.ts";

/** Key prefixes of the record kinds, in `org-<id>` or, for the `CASE_RECORD_KINDS`, in `case-<id>`. */
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
  /** A policy domain's updates, with who read them and who took them up (`policy/update-record.ts`). */
  policyUpdates: "policy-update",
  /** Each person's notification preferences (`notifications/records.ts`). */
  notificationPreferences: "notify-prefs",
  /** Each notification and its delivery (`notifications/records.ts`). */
  notifications: "notification",
  /** Adopted glossary versions and glossary proposals (`glossary/records.ts`). */
  glossary: "glossary",
  glossaryProposals: "glossary-proposal",
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
  /** The case state bucket itself (write times, retention), to keep open cases from ageing out; absent in memory. */
  caseBucket?: CaseStateStore;
  /** Names a newly adopted glossary version in the organisation's messages from now on (its bus's default); absent in memory. */
  useGlossaryVersion?: (version: number) => void;
}

/** The record kinds kept in the case state bucket `case-<id>` (same keys as earlier releases used in `org-<id>`). */
export const CASE_RECORD_KINDS = ["cases", "consultationsIn", "consultationsOut", "transfersIn"] as const satisfies readonly (keyof typeof ORG_RECORD_PREFIXES)[];

/** What the case state bucket tells beyond its records: when each key was last written, and how long it keeps a write. */
export interface CaseStateStore extends RecordStore {
  get(key: string): Promise<{ value: Uint8Array; revision: number; operation: string; created: Date } | null>;
  /** `ttl`: the bucket's max_age in milliseconds (0: kept without limit). */
  status(): Promise<{ ttl: number }>;
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

/**
 * Makes the bus's messages name the newest glossary version the organisation holds in `own` (its
 * bucket `org-<id>`): one keys listing, the versions being the keys. Reads only.
 */
export async function nameNewestGlossary(bus: Bus, own: RecordStore): Promise<void> {
  const held = await new RecordBucket(own, GlossaryRecord, "glossary version", ORG_RECORD_PREFIXES.glossary).keys();
  for (const version of held) bus.useGlossaryVersion(Number(version));
}

async function open(bus: Bus): Promise<OrgState> {
  const [own, cases] = await Promise.all([openBucket(bus, orgStateBucket(bus.org)), openBucket(bus, caseStateBucket(bus.org))]);
  await moveCaseState(own, cases, CASE_RECORD_KINDS.map((k) => ORG_RECORD_PREFIXES[k]));
  await nameNewestGlossary(bus, own);
  return { ...orgStateIn(own, bus.org, cases), caseBucket: cases, useGlossaryVersion: (version) => bus.useGlossaryVersion(version) };
}

/**
 * The state of `org` kept in `kv` and, for the case record kinds, in `caseKv`: its buckets
 * `org-<id>` and `case-<id>` in production; in handler tests without a server an in-memory store
 * (`memoryRecordStore` of @schakel/contracts/bus/testing), by default the same one for both.
 */
export function orgStateIn(kv: RecordStore, org: string, caseKv: RecordStore = kv): OrgState {
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
    consultationsIn: new RecordBucket(caseKv, IncomingConsultation, "incoming case consultation", p.consultationsIn),
    consultationsOut: new RecordBucket(caseKv, OutgoingConsultation, "outgoing case consultation", p.consultationsOut),
    livc: new RecordBucket(kv, LivcComposition, "LIVC-R composition", p.livc),
    cases: new RecordBucket(caseKv, CaseFile, "case", p.cases),
    transfersIn: new RecordBucket(caseKv, CaseTransferIn, "case handed over", p.transfersIn),
    processed: new KvProcessedStore(kv, p.processed),
  };
}
