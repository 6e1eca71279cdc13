/**
 * The state of every notice and coordination request as the platform sees it: who it was for,
 * who received and acknowledged it, what is overdue, and the escalations the platform raised.
 * Fed by the read model in stream order; receipts that arrive before their notice (another
 * stream, a clock) are kept on a placeholder until the notice itself is seen.
 */
import type { ActorRef, DataOf, ExtremismForm, NoticeCategory, PreventionTier } from "@schakel/contracts";
import { PersonIndex, type KeyDirectory } from "@schakel/contracts/bus";
import { recipientsOf } from "@schakel/organisation";
import { knownActor } from "./persons.ts";
import type { FlowRecord } from "./record.ts";
import { SignalObligations } from "./signal-obligations.ts";

/**
 * An acting person as the console knows them: pseudonym and role from the envelope, and the name
 * when the console's PersonIndex resolves the pseudonym (who may see the name: persons.ts).
 */
export interface KnownActor extends ActorRef {
  name?: string;
}

/** One recipient's receipts of one notice. */
export interface RecipientReceipts {
  deliveredAt?: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  /** The person who acknowledged; absent: the recipient's service. */
  actor?: KnownActor;
  remark?: string;
  escalatedAt?: number;
}

/** A notice, gathered from its copies (one per audience) and its receipts. */
export interface NoticeState {
  noticeId: string;
  /** False while only receipts are known (the notice itself not yet seen). */
  known: boolean;
  title: string;
  body: string;
  category?: NoticeCategory;
  sender: string;
  audiences: string[];
  /** The organisations expected to receive it: each audience expanded, the sender left out. */
  expected: string[];
  ackRequired: boolean;
  ackBy?: string;
  preventionTier?: PreventionTier;
  extremismForms?: ExtremismForm[];
  caseRef?: string;
  postedAt: number;
  traceId: string;
  /** Index in the notice list (posting order). */
  order: number;
  /**
   * True once the notice's records left the read model's memory while it was still open: its body
   * was dropped (the notice's page reads it back, older-queries.ts); the rest stays for its obligations.
   */
  bodyLeft?: true;
  /** The ingest position of its first copy (where the ledger files it once it leaves memory). */
  postedPos?: number;
  receipts: Map<string, RecipientReceipts>;
}

/** An escalation raised by the platform for a missed obligation. */
export interface EscalationState {
  escalationId: string;
  kind: string;
  reference: string;
  owedBy: string;
  owedTo: string;
  deadline: string;
  missedAt: string;
  summary: string;
  raisedBy: string;
  /** The audiences the escalation was sent to, one copy each (they decide who may see it). */
  audiences: string[];
  storedAt: number;
  traceId: string;
  messageId: string;
}

/** A coordination request and the answers it got. */
export interface RequestState {
  requestId: string;
  topic: string;
  sender: string;
  audience: string;
  expected: string[];
  respondBy?: string;
  postedAt: number;
  traceId: string;
  responses: Map<string, { outcome: string; at: number; actor?: KnownActor }>;
}

/** Whether a recipient still owes the notice an acknowledgement (an open obligation stays in memory). */
export const awaitsAcknowledgement = (n: NoticeState): boolean =>
  n.ackRequired && n.expected.some((org) => n.receipts.get(org)?.acknowledgedAt === undefined);

export class NoticeBook {
  readonly notices = new Map<string, NoticeState>();
  /** Known notices in posting order (the notices page pages through this). */
  list: NoticeState[] = [];
  escalations: EscalationState[] = [];
  readonly requests = new Map<string, RequestState>();
  /** Open acknowledgements and reports owed about signals. */
  readonly signals: SignalObligations;
  readonly #escalationsById = new Map<string, EscalationState>();
  #persons = PersonIndex.empty;

  constructor(private readonly directory: KeyDirectory) {
    this.signals = new SignalObligations(directory);
  }

  /** Resolves acting persons through `index` from now on, and for the receipts already gathered. */
  usePersons(index: PersonIndex): void {
    this.#persons = index;
    for (const n of this.notices.values()) for (const rr of n.receipts.values()) if (rr.actor) rr.actor = this.#known(rr.actor);
    for (const req of this.requests.values()) for (const a of req.responses.values()) if (a.actor) a.actor = this.#known(a.actor);
  }

  #known(ref: ActorRef): KnownActor {
    return knownActor(ref, this.#persons);
  }

  #notice(noticeId: string, r: FlowRecord): NoticeState {
    let n = this.notices.get(noticeId);
    if (!n) {
      n = { noticeId, known: false, title: "", body: "", sender: "", audiences: [], expected: [], ackRequired: false, postedAt: r.storedAt, traceId: r.traceId, order: -1, receipts: new Map() };
      this.notices.set(noticeId, n);
    }
    return n;
  }

  #receipts(n: NoticeState, org: string): RecipientReceipts {
    let rr = n.receipts.get(org);
    if (!rr) n.receipts.set(org, (rr = {}));
    return rr;
  }

  posted(r: FlowRecord, d: DataOf<"notice.posted">): void {
    const n = this.#notice(d.noticeId, r);
    const audiences = [...new Set([...n.audiences, ...d.recipients, r.audience])];
    if (!n.known) {
      Object.assign(n, {
        known: true, title: d.title, body: d.body, category: d.category, sender: r.sender, ackRequired: d.ackRequired,
        postedAt: r.storedAt, traceId: r.traceId, order: this.list.length, postedPos: r.pos,
      });
      if (d.ackBy) n.ackBy = d.ackBy;
      if (d.preventionTier) n.preventionTier = d.preventionTier;
      if (d.extremismForms?.length) n.extremismForms = d.extremismForms;
      if (d.caseRef) n.caseRef = d.caseRef;
      this.list.push(n);
    }
    n.audiences = audiences;
    n.expected = recipientsOf(this.directory, audiences, n.sender);
  }

  // Receipts reach the book verified: one whose recipient is not its sender was refused when it
  // was decoded (sender-mismatch), so `d.recipient` is the sender here.
  delivered(r: FlowRecord, d: DataOf<"notice.delivered">): void {
    const rr = this.#receipts(this.#notice(d.noticeId, r), d.recipient);
    rr.deliveredAt ??= r.storedAt;
  }

  acknowledged(r: FlowRecord, d: DataOf<"notice.acknowledged">): void {
    const rr = this.#receipts(this.#notice(d.noticeId, r), d.recipient);
    if (rr.acknowledgedAt !== undefined) return;
    rr.acknowledgedAt = r.storedAt;
    // An acknowledgement implies the notice arrived, even if no delivery receipt was sent.
    rr.deliveredAt ??= r.storedAt;
    if (d.acknowledgedBy) rr.acknowledgedBy = d.acknowledgedBy;
    if (r.actor) rr.actor = this.#known(r.actor);
    if (d.remark) rr.remark = d.remark;
  }

  escalated(r: FlowRecord, d: DataOf<"escalation.raised">): void {
    const o = d.obligation;
    // One escalation goes to several audiences (the owner, the sender…): one entry, all audiences.
    const known = this.#escalationsById.get(d.escalationId);
    if (known) {
      if (!known.audiences.includes(r.audience)) known.audiences.push(r.audience);
      return;
    }
    const escalation: EscalationState = {
      escalationId: d.escalationId, kind: o.kind, reference: o.reference, owedBy: o.owedBy, owedTo: o.owedTo, deadline: o.deadline,
      missedAt: d.missedAt, summary: d.summary, raisedBy: r.sender, audiences: [r.audience], storedAt: r.storedAt, traceId: r.traceId, messageId: r.id,
    };
    this.#escalationsById.set(d.escalationId, escalation);
    this.escalations.push(escalation);
    if (o.kind === "acknowledgement") this.#receipts(this.#notice(o.reference, r), o.owedBy).escalatedAt ??= r.storedAt;
    this.signals.escalated(r, o);
  }

  /**
   * Forgets what `records` (leaving the read model's memory, oldest first) were about, except what
   * is still open: a notice that awaits an acknowledgement, a request without an answer. Returns
   * the positions of the records whose notice left the book (the ledger pages old notices by them):
   * `left` among `records`, `later` in chunks that left before (notices kept while they were owed,
   * acknowledged since).
   */
  leave(records: readonly FlowRecord[]): { left: number[]; later: number[] } {
    const left: number[] = [];
    const later: number[] = [];
    const gone = new Set<string>();
    const goneEscalations = new Set<string>();
    for (const r of records) {
      if (!r.reference) continue;
      if (r.type === "notice.posted" || r.type === "notice.delivered" || r.type === "notice.acknowledged") {
        const n = this.notices.get(r.reference);
        if (n?.known && r.type === "notice.posted" && awaitsAcknowledgement(n)) {
          // Still owed: it stays for the obligations, without its body (read back on its page).
          n.body = "";
          n.bodyLeft = true;
          continue;
        }
        // A receipt whose notice is known stays with it; a receipt of a notice never seen here goes.
        if (!n || (n.known && r.type !== "notice.posted")) continue;
        this.notices.delete(n.noticeId);
        if (n.known) {
          gone.add(n.noticeId);
          left.push(r.pos);
        }
      } else if (r.type === "coordination.requested") {
        if (this.requests.get(r.reference)?.responses.size) this.requests.delete(r.reference);
      } else if (r.type === "escalation.raised") {
        goneEscalations.add(r.id);
      } else {
        this.signals.leave(r);
      }
    }
    // Notices kept while owed and acknowledged since leave now, filed where they were posted.
    for (const n of this.list) {
      if (!n.bodyLeft || awaitsAcknowledgement(n)) continue;
      this.notices.delete(n.noticeId);
      gone.add(n.noticeId);
      if (n.postedPos !== undefined) later.push(n.postedPos);
    }
    if (gone.size) this.list = this.list.filter((n) => !gone.has(n.noticeId));
    if (goneEscalations.size) {
      this.escalations = this.escalations.filter((e) => {
        if (!goneEscalations.has(e.messageId)) return true;
        this.#escalationsById.delete(e.escalationId);
        return false;
      });
    }
    return { left, later };
  }

  requested(r: FlowRecord, d: DataOf<"coordination.requested">): void {
    if (this.requests.has(d.requestId)) return;
    this.requests.set(d.requestId, {
      requestId: d.requestId, topic: d.topic, sender: r.sender, audience: r.audience, expected: recipientsOf(this.directory, r.audience, r.sender),
      postedAt: r.storedAt, traceId: r.traceId, responses: new Map(), ...(d.respondBy ? { respondBy: d.respondBy } : {}),
    });
  }

  responded(r: FlowRecord, d: DataOf<"coordination.responded">): void {
    const req = this.requests.get(d.requestId);
    if (req && !req.responses.has(r.sender)) req.responses.set(r.sender, { outcome: d.outcome, at: r.storedAt, ...(r.actor ? { actor: this.#known(r.actor) } : {}) });
  }
}
