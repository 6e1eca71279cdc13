/**
 * The deadline watcher: exactly one `escalation.raised` per missed obligation, to the
 * organisation it was owed to and to the organisation that owed it — even when the platform is
 * killed at any moment and restarted. Three steps, each safe to repeat:
 *   1. decide: compare-and-set the obligation to `escalation.state = pending` with an id derived
 *      from the obligation key (only one decision can win);
 *   2. publish each copy with an idempotency key derived from the obligation, so a repeat after
 *      a crash carries the same message id and JetStream stores it once;
 *   3. record `published`. A restarted watcher finds `pending` records in the bucket and
 *      repeats 2–3 for them — after reading the stream up to its own start, since the platform
 *      reads its own copies back (`noteOwnEscalation`) and so knows which are stored for certain:
 *      only the others are published again. That holds beyond JetStream's duplicate window too.
 */
import type { CatchUp } from "./catch-up.ts";
import type { PlatformContext } from "./context.ts";
import { DueWatch } from "./due-watch.ts";
import { countEscalation } from "./metrics.ts";
import type { Delivery } from "@schakel/contracts/bus";
import { obligationKey, type Escalation, type Obligation } from "./records.ts";

/** The idempotency key of an obligation's escalation messages. */
export const escalationKey = (obligationKey: string): string => `escalation|${obligationKey}`;

/** When an obligation needs the watcher: at its deadline while open, at once while an escalation is pending. */
export function escalationDueAt(o: Obligation): number | undefined {
  if (o.escalation?.state === "published") return undefined;
  if (o.escalation?.state === "pending") return 0;
  if (o.closedAt || !o.deadline) return undefined;
  return Date.parse(o.deadline);
}

function summary(o: Obligation): string {
  const what = o.title ? `"${o.title.slice(0, 200)}"` : o.reference;
  if (o.kind === "signal-acknowledgement") return `${o.owedBy} did not acknowledge the signal ${what} from ${o.owedTo} by ${o.deadline}`;
  if (o.kind === "signal-report") return `${o.owedBy} did not report back on the signal ${what} forwarded to it by ${o.owedTo} by ${o.deadline}`;
  if (o.kind === "case-task") return `${o.owedBy} did not report back on follow-up task ${o.reference} of a case of the LIVC-R of ${o.owedTo} by ${o.deadline}`;
  return o.kind === "acknowledgement"
    ? `${o.owedBy} did not acknowledge the notice ${what} from ${o.owedTo} by ${o.deadline}`
    : `${o.owedBy} did not answer the coordination request ${what} from ${o.owedTo} by ${o.deadline}`;
}

/** One step of the watcher for one obligation; returns when to look again (undefined: done). */
export async function escalateIfMissed(p: PlatformContext, catchUp: CatchUp, key: string, now: number, retryMs: number): Promise<number | undefined> {
  const stored = await p.stores.obligations.get(key);
  if (!stored) return undefined;
  let o = stored.value;
  const due = escalationDueAt(o);
  if (due === undefined) return undefined;
  if (!o.escalation) {
    if (due > now) return due;
    // Judge only once everything stored before the deadline has been read.
    if (!(await catchUp.reached(due))) return now + retryMs;
    const escalation: Escalation = {
      escalationId: p.bus.identity.derivedId(escalationKey(key)),
      state: "pending",
      missedAt: new Date(now).toISOString(),
      audiences: [...new Set([o.owedTo, o.owedBy])],
      messageIds: [],
    };
    const decided = await p.stores.obligations.update(key, { ...o, escalation }, stored.revision);
    if (!decided.ok) return now; // changed meanwhile (e.g. acknowledged): look again with the new state
    o = { ...o, escalation };
    p.emit({ kind: "escalation-decided", key, escalationId: escalation.escalationId });
  }
  if (Date.parse(o.escalation!.missedAt) < catchUp.startedAt) {
    // Decided by a predecessor: first read back what it managed to publish.
    if (!(await catchUp.reached(catchUp.startedAt))) return now + retryMs;
    const again = await p.stores.obligations.get(key);
    if (!again?.value.escalation || again.value.escalation.state === "published") return undefined;
    o = again.value;
  }
  const esc = o.escalation!;
  if (!o.sourceMessageId || !o.deadline) return undefined;
  const messageIds: string[] = [...esc.messageIds];
  for (const to of esc.audiences.filter((a) => !esc.stored?.includes(a))) {
    const sent = await p.bus.publish("escalation.raised", {
      escalationId: esc.escalationId,
      obligation: { kind: o.kind, reference: o.reference, sourceMessageId: o.sourceMessageId, owedBy: o.owedBy, owedTo: o.owedTo, deadline: o.deadline },
      missedAt: esc.missedAt,
      summary: summary(o),
    }, { to, idempotencyKey: escalationKey(key), ...(o.source ? { inReplyTo: o.source } : {}) });
    if (!messageIds.includes(sent.id)) messageIds.push(sent.id);
    p.emit({ kind: "escalation-published", key, escalationId: esc.escalationId, audience: to, messageId: sent.id, duplicate: sent.duplicate });
  }
  await p.stores.obligations.mutate(key, (cur) => cur?.escalation && cur.escalation.state !== "published"
    ? { ...cur, escalation: { ...cur.escalation, state: "published", publishedAt: new Date().toISOString(), messageIds: [...new Set([...cur.escalation.messageIds, ...messageIds])] } }
    : undefined);
  // Ids only: the summary quotes the notice's title, which stays out of log files.
  p.log.warn({ key, escalationId: esc.escalationId, kind: o.kind, reference: o.reference, owedBy: o.owedBy, owedTo: o.owedTo, deadline: o.deadline }, "obligation missed; escalation raised");
  countEscalation(o.kind, o.owedBy);
  p.emit({ kind: "escalated", key, escalationId: esc.escalationId });
  return undefined;
}

/**
 * The platform reads its own escalations back from the stream: each copy read is stored for
 * certain, and once every audience's copy is, the escalation is `published`.
 */
export async function noteOwnEscalation(p: PlatformContext, d: Delivery<"escalation.raised">): Promise<void> {
  if (d.envelope.sender !== p.org) return;
  const { kind, reference, owedBy } = d.data.obligation;
  const audience = d.envelope.audience;
  await p.stores.obligations.mutate(obligationKey(kind, reference, owedBy), (cur) => {
    const esc = cur?.escalation;
    if (!cur || !esc || esc.escalationId !== d.data.escalationId || esc.stored?.includes(audience)) return undefined;
    const stored = [...(esc.stored ?? []), audience];
    const done = esc.audiences.every((a) => stored.includes(a));
    return {
      ...cur,
      escalation: {
        ...esc, stored, messageIds: esc.messageIds.includes(d.envelope.id) ? esc.messageIds : [...esc.messageIds, d.envelope.id],
        ...(done && esc.state !== "published" ? { state: "published" as const, publishedAt: d.storedAt.toISOString() } : {}),
      },
    };
  });
}

/** The deadline watcher over the obligations bucket. */
export function deadlineWatcher(p: PlatformContext, catchUp: CatchUp, tickMs: number): DueWatch<typeof Obligation> {
  return new DueWatch(p, {
    name: "deadlines",
    records: p.stores.obligations,
    dueAt: escalationDueAt,
    act: (key, now) => escalateIfMissed(p, catchUp, key, now, tickMs),
    tickMs,
  });
}
