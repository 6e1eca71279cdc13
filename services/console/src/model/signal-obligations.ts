/**
 * What is owed about signals, as the console reads it from the messages: a neighbour owes the
 * raiser an acknowledgement of a signal addressed to it (by the platform's default deadline); a
 * partner named in a forward owes the platform an acknowledgement and a report back by the
 * decision's deadlines. An acknowledgement or report closes its obligation; an escalation of one
 * marks it. Only open obligations are kept, so memory grows with what is owed, not with history.
 */
import type { DataOf, ObligationKind } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { SIGNAL_ACKNOWLEDGE_MS } from "@schakel/platform";
import type { FlowRecord } from "./record.ts";

export type SignalObligationKind = Extract<ObligationKind, "signal-acknowledgement" | "signal-report">;

/** One open obligation about a signal. */
export interface SignalObligation {
  kind: SignalObligationKind;
  signalId: string;
  title: string;
  owedBy: string;
  owedTo: string;
  createdAt: number;
  deadline: string;
  traceId: string;
  escalatedAt?: number;
}

const keyOf = (kind: SignalObligationKind, signalId: string, owedBy: string): string => `${kind}|${signalId}|${owedBy}`;

export class SignalObligations {
  readonly open = new Map<string, SignalObligation>();
  /** Closed before they were seen opened (another stream, an order of reading): not opened again. */
  readonly #closed = new Set<string>();

  constructor(private readonly directory: KeyDirectory, private readonly acknowledgeMs = SIGNAL_ACKNOWLEDGE_MS) {}

  #open(o: SignalObligation): void {
    const key = keyOf(o.kind, o.signalId, o.owedBy);
    if (this.#closed.has(key) || this.open.has(key)) return;
    this.open.set(key, o);
  }

  #close(kind: SignalObligationKind, signalId: string, owedBy: string): void {
    const key = keyOf(kind, signalId, owedBy);
    if (!this.open.delete(key)) this.#closed.add(key);
  }

  /** A signal to one other organisation (a neighbour) obliges it to acknowledge; one to the platform or a group obliges no one here. */
  raised(r: FlowRecord, d: DataOf<"signal.raised">): void {
    const to = this.directory.organisation(r.audience);
    if (!to || to.id === r.sender || to.roles.includes("platform")) return;
    this.#open({
      kind: "signal-acknowledgement", signalId: d.signalId, title: d.title, owedBy: to.id, owedTo: r.sender, createdAt: r.storedAt,
      deadline: new Date(r.storedAt + this.acknowledgeMs).toISOString(), traceId: r.traceId,
    });
  }

  /** A forward obliges the named partner to acknowledge and to report back to the platform (read from the partner's copy). */
  triaged(r: FlowRecord, d: DataOf<"signal.triaged">): void {
    if (d.decision !== "forward" || !d.partner || !d.acknowledgeBy || !d.reportBackBy || r.audience !== d.partner) return;
    const title = d.signal?.title ?? d.signalId;
    this.#open({ kind: "signal-acknowledgement", signalId: d.signalId, title, owedBy: d.partner, owedTo: r.sender, createdAt: r.storedAt, deadline: d.acknowledgeBy, traceId: r.traceId });
    this.#open({ kind: "signal-report", signalId: d.signalId, title, owedBy: d.partner, owedTo: r.sender, createdAt: r.storedAt, deadline: d.reportBackBy, traceId: r.traceId });
  }

  // Receipts reach the model verified: `recipient`/`partner` is the sender (sender-mismatch otherwise).
  acknowledged(_r: FlowRecord, d: DataOf<"signal.acknowledged">): void {
    this.#close("signal-acknowledgement", d.signalId, d.recipient);
  }

  reported(_r: FlowRecord, d: DataOf<"signal.reported">): void {
    this.#close("signal-report", d.signalId, d.partner);
  }

  /**
   * Forgets a closing leaving the read model's memory (`r`): the obligation it closed was opened
   * long before, and the second copy of a closing (it goes to the raiser and the platform) need not
   * be remembered any longer, so what is kept does not grow with history.
   */
  leave(r: FlowRecord): void {
    const kind = r.type === "signal.acknowledged" ? "signal-acknowledgement" : r.type === "signal.reported" ? "signal-report" : undefined;
    // The receipt's sender is the organisation that owed it (verified when it was read).
    if (kind && r.reference) this.#closed.delete(keyOf(kind, r.reference, r.sender));
  }

  /** Marks an open signal obligation as escalated. */
  escalated(r: FlowRecord, o: { kind: string; reference: string; owedBy: string }): void {
    if (o.kind !== "signal-acknowledgement" && o.kind !== "signal-report") return;
    const open = this.open.get(keyOf(o.kind, o.reference, o.owedBy));
    if (open) open.escalatedAt ??= r.storedAt;
  }
}
