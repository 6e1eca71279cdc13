/**
 * The console's compact record of one message: metadata only. Built from an envelope the bus
 * client has decoded and verified; sealed case content never enters it (only the pseudonymous
 * case reference and who is involved), so nothing the console serves can leak it.
 */
import { actorRefOf, referenceOf, traceIdOf, type ActorRef, type Envelope, type ExtremismForm, type MessageType, type PreventionTier } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";

/** A level lane a message starts in or goes to; `all` is an audience reaching every level. */
export type LaneLevel = "local" | "flemish" | "federal" | "supralocal" | "all";

/** One stored message as the console keeps it (a few hundred bytes, so 100,000 fit easily). */
export interface FlowRecord {
  /** Stream sequence (unique per stream) and stream name. */
  seq: number;
  stream: string;
  /** Position in the console's own ingest order: stable cursor for pagination across streams. */
  pos: number;
  id: string;
  type: MessageType;
  /** Envelope time (the sender's clock) and broker storage time (ms since epoch). */
  time: string;
  storedAt: number;
  sender: string;
  senderLevel: LaneLevel;
  audience: string;
  audienceLevel: LaneLevel;
  classification: string;
  traceId: string;
  correlationId: string;
  causationId?: string;
  /** The business id the message is about: noticeId, requestId, signalId, consultationId… */
  reference?: string;
  /** For receipts (delivered/acknowledged): the organisation that received. */
  recipient?: string;
  preventionTier?: PreventionTier;
  extremismForms?: ExtremismForm[];
  caseRef?: string;
  /** One line for people; for sealed types only the fact that content is sealed. */
  summary: string;
  sealed: boolean;
  /** The person who acted (envelope `actor`/`actorrole`); absent: the sender's service. */
  actor?: ActorRef;
}

/** The level an audience (organisation id or group) belongs to. */
export function levelOfAudience(directory: KeyDirectory, audience: string): LaneLevel {
  if (audience === "all" || audience === "local" || audience === "flemish" || audience === "federal" || audience === "supralocal") return audience;
  return (directory.organisation(audience)?.level ?? "all") as LaneLevel;
}

interface Described {
  /** Only where the console links a message by another id than the catalog's reference. */
  reference?: string;
  recipient?: string;
  summary: string;
  preventionTier?: PreventionTier;
  extremismForms?: ExtremismForm[];
  caseRef?: string;
}

// Reads only named metadata fields of each type: an allow list, so a new field (or sealed
// content) never reaches the console by accident.
function describe(type: MessageType, data: Record<string, unknown>): Described {
  const s = (k: string): string | undefined => (typeof data[k] === "string" ? (data[k] as string) : undefined);
  const tier = s("preventionTier") as PreventionTier | undefined;
  const forms = Array.isArray(data.extremismForms) ? (data.extremismForms as ExtremismForm[]) : undefined;
  const tagged = { ...(tier ? { preventionTier: tier } : {}), ...(forms?.length ? { extremismForms: forms } : {}) };
  switch (type) {
    case "notice.posted":
      return { summary: s("title") ?? "notice", ...tagged, ...(s("caseRef") ? { caseRef: s("caseRef") } : {}) };
    case "notice.delivered":
      return { recipient: s("recipient"), summary: `delivered to ${s("recipient")}` };
    case "notice.acknowledged":
      return { recipient: s("recipient"), summary: `acknowledged by ${s("recipient")}${s("acknowledgedBy") ? ` (${s("acknowledgedBy")})` : ""}` };
    case "signal.raised":
    case "signal.escalated":
      return { summary: `${s("severity")} ${s("kind")}: ${s("title")}`, ...tagged };
    case "signal.acknowledged":
      return { recipient: s("recipient"), summary: `signal acknowledged by ${s("recipient")}` };
    case "signal.triaged":
      return { summary: `triage: ${s("decision")}${s("partner") ? ` to ${s("partner")}` : ""} — ${s("reason")}` };
    case "signal.reported":
      return { summary: `reported back by ${s("partner")}` };
    case "signal.info.provided":
      return { summary: `information from ${s("raisedBy")}: ${s("information")}` };
    case "policy.update.published":
      return { summary: `${s("domain")}: ${s("title")}`, ...tagged };
    case "digest.published": {
      const n = Array.isArray(data.items) ? data.items.length : 0;
      return { summary: `digest of ${n} update${n === 1 ? "" : "s"} for ${s("municipality")}` };
    }
    case "coordination.requested":
      return { summary: `${s("ask")}: ${s("topic")}`, ...tagged };
    case "coordination.responded":
      return { summary: `answered: ${s("outcome")}` };
    case "case.consultation.requested":
    case "case.consultation.responded":
    case "case.opened":
    case "case.plan.set":
    case "case.task.reported":
    case "case.transferred":
    case "case.key.granted":
    case "case.corrected":
      return { summary: `case ${s("caseRef")} — content sealed to its recipients`, caseRef: s("caseRef") };
    case "case.key.requested":
      return { summary: `case ${s("caseRef")}: key asked for`, caseRef: s("caseRef") };
    case "case.erased":
      return { summary: `case ${s("caseRef")} erased (${s("reason")}): its content no longer opens`, caseRef: s("caseRef") };
    case "case.closed":
      return { summary: `case ${s("caseRef")} closed: ${s("reason")}`, caseRef: s("caseRef") };
    case "livc.composition.set": {
      const n = Array.isArray(data.members) ? data.members.length : 0;
      return { summary: `LIVC-R of ${s("municipality")}: composition v${String(data.version)} (${n} member${n === 1 ? "" : "s"})` };
    }
    case "knowledge.shared":
      return { summary: `${s("format")}: ${s("title")}`, ...tagged };
    case "knowledge.curated": {
      const k = (data.knowledge ?? {}) as Record<string, unknown>;
      return { summary: `knowledge ${s("decision")} by the curator: ${typeof k.title === "string" ? k.title : s("knowledgeId")}` };
    }
    case "digest.read": {
      const n = Array.isArray(data.items) ? data.items.length : 0;
      return { summary: `${s("municipality")} read ${n} digest item${n === 1 ? "" : "s"}` };
    }
    case "digest.item.routed":
      return { recipient: s("partner"), summary: `${s("municipality")} routed a digest item to ${s("partner")}` };
    case "read.recorded":
      // Read records live in READS, which the console never reads; named for the exhaustive switch.
      return { summary: "read recorded" };
    case "glossary.proposed": {
      const c = (data.change ?? {}) as Record<string, unknown>;
      return { summary: `glossary: ${String(c.action)} ${String(c.vocabulary)} "${String(c.term)}"` };
    }
    case "glossary.adopted": {
      const g = (data.glossary ?? {}) as Record<string, unknown>;
      return { summary: `glossary v${String(g.version)} adopted` };
    }
    case "escalation.raised": {
      const o = (data.obligation ?? {}) as Record<string, unknown>;
      // Filed under the obligation it escalates (a notice or request id), not its own escalationId,
      // so the escalation shows beside what was overdue.
      return { reference: typeof o.reference === "string" ? o.reference : undefined, recipient: typeof o.owedBy === "string" ? o.owedBy : undefined, summary: s("summary") ?? "escalation" };
    }
  }
}

/** Where a decoded message came from in JetStream. */
export interface StoredAt {
  stream: string;
  seq: number;
  storedAt: number;
}

/** The console record of a verified envelope, at ingest position `pos`. */
export function recordOf(type: MessageType, envelope: Envelope, at: StoredAt, directory: KeyDirectory, pos: number): FlowRecord {
  const data = (envelope.data ?? {}) as Record<string, unknown>;
  const d = describe(type, data);
  const summary = d.summary.length > 160 ? `${d.summary.slice(0, 157)}…` : d.summary;
  const record: FlowRecord = {
    seq: at.seq, pos, stream: at.stream, id: envelope.id, type, time: envelope.time, storedAt: at.storedAt,
    sender: envelope.sender, senderLevel: levelOfAudience(directory, envelope.sender),
    audience: envelope.audience, audienceLevel: levelOfAudience(directory, envelope.audience),
    classification: envelope.classification, traceId: traceIdOf(envelope.traceparent), correlationId: envelope.correlationid,
    summary, sealed: type.startsWith("case."),
  };
  if (envelope.causationid) record.causationId = envelope.causationid;
  const reference = d.reference ?? (type === "escalation.raised" ? undefined : referenceOf(type, data));
  if (reference) record.reference = reference;
  if (d.recipient) record.recipient = d.recipient;
  if (d.preventionTier) record.preventionTier = d.preventionTier;
  if (d.extremismForms) record.extremismForms = d.extremismForms;
  if (d.caseRef) record.caseRef = d.caseRef;
  const actor = actorRefOf(envelope);
  if (actor) record.actor = actor;
  return record;
}
