/**
 * Synthetic load for the read model: N notices with their receipts, acknowledgements and a few
 * escalations, padded with signals, policy updates, digests, requests and knowledge messages
 * up to M messages. Every data object passes its catalog schema; envelopes are not signed (they
 * go straight into the model, as the feed reader would after verifying). Deterministic for a
 * given seed, so benchmark runs compare like with like.
 */
import { catalog, dataSchemaUri, sourceOf, type DataOf, type Envelope, type MessageType } from "@schakel/contracts";
import { platformOf } from "@schakel/organisation";
import type { ReadModel } from "./read-model.ts";

export interface SeedOptions {
  notices: number;
  /** Total messages including the notices' own (default 10 per notice). */
  messages?: number;
  /** The newest message's time (default now); messages spread over `spanMs` before it (default 30 days). */
  now?: number;
  spanMs?: number;
  seed?: number;
}

/** Fills the model and marks it complete; returns the number of messages ingested. */
export function seedReadModel(model: ReadModel, opts: SeedOptions): number {
  const dir = model.directory;
  const orgs = dir.organisations;
  const municipalities = orgs.filter((o) => o.level === "local").map((o) => o.id);
  const liaisons = orgs.filter((o) => o.roles.includes("liaison")).map((o) => o.id);
  const domains = orgs.filter((o) => o.roles.includes("policy-domain"));
  const platform = platformOf(dir);
  const total = opts.messages ?? opts.notices * 10;
  const now = opts.now ?? Date.now();
  const span = opts.spanMs ?? 30 * 86_400_000;
  let state = opts.seed ?? 42;
  const rand = () => ((state = (state * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  // Ids from the seeded generator: deterministic, and far cheaper than a system random call each.
  const hex = (n: number): string => {
    let out = "";
    while (out.length < n) out += Math.floor(rand() * 0x10000).toString(16).padStart(4, "0");
    return out.slice(0, n);
  };
  const newMessageId = (at: number = time): string => {
    const h = Math.floor(at).toString(16).padStart(12, "0").slice(-12) + hex(20);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${h.slice(13, 16)}-${(8 + Math.floor(rand() * 4)).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  let ingested = 0;
  let seq = 0;
  let time = now - span;

  const put = <T extends MessageType>(type: T, data: unknown, sender: string, audience: string, at: number, traceId: string, causation?: string): string => {
    const parsed = catalog[type].schema.parse(data) as DataOf<T>;
    const id = newMessageId(at);
    const envelope: Envelope<DataOf<T>> = {
      specversion: "1.0", id, source: sourceOf(sender), type, time: new Date(at).toISOString(), datacontenttype: "application/json",
      dataschema: dataSchemaUri(type), dataversion: catalog[type].version, sender, audience, classification: catalog[type].classification,
      correlationid: id, ...(causation ? { causationid: causation } : {}), traceparent: `00-${traceId}-${hex(16)}-01`,
      signingkey: dir.require(sender).signingKeys[0]!.key, data: parsed,
    };
    if (model.ingest(type, envelope, { stream: type.startsWith("case.") ? "CASE" : "COORD", seq: ++seq, storedAt: at })) ingested++;
    return id;
  };

  const noticeEvery = total / Math.max(1, opts.notices);
  const step = span / Math.max(1, total);
  for (let i = 0; ingested < total; i++) {
    time += step;
    const traceId = hex(32);
    if (i % Math.max(1, Math.round(noticeEvery / 5)) === 0 && model.notices.list.length < opts.notices) {
      const sender = pick(liaisons);
      const recipients = [...new Set([pick(municipalities), pick(municipalities)])];
      const noticeId = newMessageId(time);
      const ackBy = new Date(time + 2 * 86_400_000).toISOString();
      const posted = recipients.map((to) => put("notice.posted", {
        noticeId, title: `Notice ${i}: ${pick(["threat level update", "detainee release", "event warning", "policy change"])}`, body: "Synthetic notice for load checks.",
        category: pick(["threat-assessment", "detainee-release", "event-warning", "policy-change", "information"]), recipients, ackRequired: true, ackBy,
        preventionTier: pick(["primary", "secondary", "tertiary"]), extremismForms: [pick(["jihadist", "far-right", "far-left", "other-mixed"])],
      }, sender, to, time, traceId));
      recipients.forEach((org, k) => {
        const delivered = time + 200 + rand() * 2_000;
        put("notice.delivered", { noticeId, recipient: org, deliveredAt: new Date(delivered).toISOString() }, org, sender, delivered, traceId, posted[k]);
        if (rand() < 0.8) {
          const acked = delivered + rand() * 86_400_000;
          if (acked < now) put("notice.acknowledged", { noticeId, recipient: org, acknowledgedAt: new Date(acked).toISOString() }, org, sender, acked, traceId, posted[k]);
        } else if (Date.parse(ackBy) < now) {
          put("escalation.raised", {
            escalationId: newMessageId(), obligation: { kind: "acknowledgement", reference: noticeId, sourceMessageId: posted[k]!, owedBy: org, owedTo: sender, deadline: ackBy },
            missedAt: ackBy, summary: `${org} did not acknowledge notice ${i} in time`,
          }, platform, sender, Date.parse(ackBy) + 60_000, traceId, posted[k]);
        }
      });
      continue;
    }
    const town = pick(municipalities);
    const kind = rand();
    if (kind < 0.35) {
      put("signal.raised", { signalId: newMessageId(), kind: pick(["polarisation", "tension", "incident", "emerging-need"]), severity: pick(["low", "medium", "high"]), title: `Signal from ${town}`, description: "Synthetic signal; no personal data.", preventionTier: pick(["primary", "secondary"]), extremismForms: [pick(["jihadist", "far-right", "far-left", "other-mixed"])] }, town, platform, time, traceId);
    } else if (kind < 0.6 && domains.length) {
      const d = pick(domains);
      put("policy.update.published", { updateId: newMessageId(), domain: d.domain ?? "onderwijs", title: `Update from ${d.id}`, summary: "Synthetic policy update.", concerns: ["local"] }, d.id, platform, time, traceId);
    } else if (kind < 0.8) {
      put("coordination.requested", { requestId: newMessageId(), ask: pick(["align", "inform", "act"]), topic: `Alignment with ${town}`, body: "Synthetic request." }, platform, town, time, traceId);
    } else {
      put("knowledge.shared", { knowledgeId: newMessageId(), format: pick(["training", "intervision", "study-day"]), title: "Study day on polarisation", summary: "Synthetic knowledge message." }, platform, "all", time, traceId);
    }
  }
  model.complete = true;
  return ingested;
}
