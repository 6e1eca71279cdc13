/**
 * The consumer gate: every consumer a tenant creates (feed slots, KV watches, the audit's own
 * consumers) arrives here instead of at JetStream, because the tenant's account maps
 * `$JS.API.CONSUMER.CREATE.…` to `gate.<tenant>.create.…` in the platform account. The broker has
 * already checked the stream, the consumer name and the filter (only the tenant's own are
 * imported); the gate checks what nats-server does not — the request body — and then forwards it
 * unchanged, as the admin, and relays JetStream's answer, so clients see the normal API.
 *
 * Why: nats-server (2.9 … 2.12) creates a push consumer for anyone allowed to create one, with any
 * `deliver_subject`, and then publishes the stream's messages there from inside the platform
 * account. Aimed at `$JS.API.CONSUMER.MSG.NEXT.<stream>.<other tenant's consumer>`, that drains
 * another organisation's inbox. The gate allows push delivery only into the tenant's own inbox
 * prefix, and only on the tenant's own KV buckets.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { AUDIT_ACCOUNT, AUDIT_ID, CONSUMER_GATE, countMetric, inboxPrefix, METRIC_ATTRIBUTES, METRICS, type GateRefusal } from "@schakel/contracts";
import { checkConsumerRequest } from "./consumer-request.ts";

export interface GateDecision {
  tenant: string;
  subject: string;
  allowed: boolean;
  reason?: string;
}

export interface ConsumerGate {
  /** Resolves when the gate's subscription is registered at the server. */
  ready: Promise<void>;
  /** Whether the gate serves now (subscribed, its connection up), or why not: for readiness probes. */
  readiness(): { ready: boolean; reason?: string };
  stop(): Promise<void>;
}

export interface ConsumerGateOptions {
  /** A connection of the admin identity (platform account). */
  nc: NatsConnection;
  /** Each decision, for logs and tests. */
  onDecision?: (d: GateDecision) => void;
  /** Timeout of the forwarded JetStream request in ms (default 5 000). */
  timeoutMs?: number;
}

const enc = new TextEncoder();

/** The identity behind an account name (an organisation's account is its id). */
function identityOf(account: string): string {
  return account === AUDIT_ACCOUNT ? AUDIT_ID : account;
}

/** A JetStream-shaped error reply, so the client's `consumers.add` rejects with the reason. */
function refusal(description: string): Uint8Array {
  return enc.encode(JSON.stringify({ type: "io.nats.jetstream.api.v1.consumer_create_response", error: { code: 403, err_code: 10_000, description } }));
}

/** Counts a refusal (metric `schakel.consumer_gate.refusals`); the tenant is an account name, so bounded by the registry. */
function countRefusal(tenant: string, reason: GateRefusal): void {
  countMetric(METRICS.gateRefusals, { [METRIC_ATTRIBUTES.organisation]: tenant, [METRIC_ATTRIBUTES.reason]: reason });
}

/** Starts the gate on an admin connection; a queue group lets several `up` processes share it. */
export function startConsumerGate(opts: ConsumerGateOptions): ConsumerGate {
  const { nc } = opts;
  const report = opts.onDecision ?? (() => {});
  const sub: Subscription = nc.subscribe(CONSUMER_GATE.filter, {
    queue: "schakel-consumer-gate",
    callback: (err, m) => {
      if (err || !m.reply) return;
      void (async () => {
        let tenant = "?";
        let forwarding = false;
        try {
          const parsed = CONSUMER_GATE.parse(m.subject);
          tenant = parsed.tenant;
          const verdict = checkConsumerRequest({ tail: parsed.tail, body: m.data, inbox: inboxPrefix(identityOf(parsed.tenant)) });
          if (!verdict.ok) {
            report({ tenant, subject: parsed.createSubject, allowed: false, reason: verdict.reason });
            countRefusal(tenant, "request-refused");
            return m.respond(refusal(`consumer gate: ${verdict.reason}`));
          }
          forwarding = true;
          const answer = await nc.request(parsed.createSubject, m.data, { timeout: opts.timeoutMs ?? 5_000 });
          report({ tenant, subject: parsed.createSubject, allowed: true });
          m.respond(answer.data);
        } catch (e) {
          report({ tenant, subject: m.subject, allowed: false, reason: (e as Error).message });
          countRefusal(tenant, forwarding ? "forward-failed" : "bad-subject");
          m.respond(refusal(`consumer gate: ${(e as Error).message}`));
        }
      })();
    },
  });
  const ready = nc.flush();
  let subscribed = false;
  void ready.then(() => (subscribed = true), () => undefined);
  // Lost while the connection reconnects; the subscription comes back with it.
  let connected = true;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect" || s.type === "reconnecting" || s.type === "staleConnection") connected = false;
      else if (s.type === "reconnect") connected = true;
    }
  })().catch(() => undefined);
  return {
    ready,
    readiness() {
      if (nc.isClosed() || sub.isClosed()) return { ready: false, reason: "stopped: its admin connection is closed" };
      if (!connected) return { ready: false, reason: "not connected to the bus (reconnecting)" };
      if (!subscribed) return { ready: false, reason: "not subscribed yet" };
      return { ready: true };
    },
    async stop() {
      sub.unsubscribe();
      await nc.flush().catch(() => {});
    },
  };
}
