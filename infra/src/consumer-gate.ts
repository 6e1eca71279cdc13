/**
 * The consumer gate: every consumer a tenant creates or deletes (feed slots, KV watches, the
 * audit's own consumers) arrives here instead of at JetStream, because the tenant's account maps
 * `$JS.API.CONSUMER.CREATE.>` to `gate.<tenant>.create.>` and `$JS.API.CONSUMER.DELETE.>` to
 * `gate.<tenant>.delete.>` in the platform account. The gate checks the subject against the
 * tenant's grants (its own streams, consumer names and filters: gate-grants.ts) and a create's
 * body (consumer-request.ts), then forwards the request unchanged, as the admin, and relays
 * JetStream's answer, so clients see the normal API.
 *
 * Why: nats-server (2.9 … 2.12) creates a push consumer for anyone allowed to create one, with any
 * `deliver_subject`, and then publishes the stream's messages there from inside the platform
 * account. Aimed at `$JS.API.CONSUMER.MSG.NEXT.<stream>.<other tenant's consumer>`, that drains
 * another organisation's inbox. The gate allows push delivery only into the tenant's own inbox
 * prefix, and only on the tenant's own KV buckets.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { AUDIT_ACCOUNT, AUDIT_ID, CONSUMER_GATE, countMetric, inboxPrefix, METRIC_ATTRIBUTES, METRICS, type GateRefusal, type GateVerb, type Registry } from "@schakel/contracts";
import { checkConsumerRequest } from "./consumer-request.ts";
import { gateGrantsOf, type GateGrants } from "./gate-grants.ts";

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
  /** Checks against the grants of `registry` from now on (a registry change: new, rotated or removed organisations). */
  useRegistry(registry: Registry): void;
  stop(): Promise<void>;
}

export interface ConsumerGateOptions {
  /** A connection of the admin identity (platform account). */
  nc: NatsConnection;
  /** The registry whose grants decide what each tenant may create and delete. */
  registry: Registry;
  /**
   * Reads the registry again, for a tenant the gate does not know (an organisation added while the
   * gate ran, on a server it does not restart itself); at most once per {@link REREAD_MS}.
   */
  readRegistry?: () => Registry;
  /** Each decision, for logs and tests. */
  onDecision?: (d: GateDecision) => void;
  /** Timeout of the forwarded JetStream request in ms (default 5 000). */
  timeoutMs?: number;
}

const enc = new TextEncoder();
/** The least time between two readings of the registry for unknown tenants. */
const REREAD_MS = 2_000;

/** The identity behind an account name (an organisation's account is its id). */
function identityOf(account: string): string {
  return account === AUDIT_ACCOUNT ? AUDIT_ID : account;
}

/** A JetStream-shaped error reply, so the client's `consumers.add` (or `delete`) rejects with the reason. */
function refusal(verb: GateVerb, description: string): Uint8Array {
  return enc.encode(JSON.stringify({ type: `io.nats.jetstream.api.v1.consumer_${verb}_response`, error: { code: 403, err_code: 10_000, description } }));
}

/** Counts a refusal (metric `schakel.consumer_gate.refusals`); the tenant is an account name, so bounded by the registry. */
function countRefusal(tenant: string, reason: GateRefusal): void {
  countMetric(METRICS.gateRefusals, { [METRIC_ATTRIBUTES.organisation]: tenant, [METRIC_ATTRIBUTES.reason]: reason });
}

/** Starts the gate on an admin connection; a queue group lets several `up` processes share it. */
export function startConsumerGate(opts: ConsumerGateOptions): ConsumerGate {
  const { nc } = opts;
  const report = opts.onDecision ?? (() => {});
  let grants: GateGrants = gateGrantsOf(opts.registry);
  let readAt = 0;
  /** The grants, read again first when `tenant` is unknown and the registry may have grown since. */
  const grantsFor = (tenant: string): GateGrants => {
    if (!grants.knows(tenant) && opts.readRegistry && Date.now() - readAt >= REREAD_MS) {
      readAt = Date.now();
      try {
        grants = gateGrantsOf(opts.readRegistry());
      } catch {
        // An unreadable registry file: keep the grants held so far (the request is refused as not granted).
      }
    }
    return grants;
  };
  const sub: Subscription = nc.subscribe(CONSUMER_GATE.filter, {
    queue: "schakel-consumer-gate",
    callback: (err, m) => {
      if (err || !m.reply) return;
      void (async () => {
        let tenant = "?";
        let verb: GateVerb = "create";
        let forwarding = false;
        try {
          const parsed = CONSUMER_GATE.parse(m.subject);
          tenant = parsed.tenant;
          verb = parsed.verb;
          const refuse = (why: GateRefusal, reason: string) => {
            report({ tenant, subject: parsed.apiSubject, allowed: false, reason });
            countRefusal(tenant, why);
            m.respond(refusal(verb, `consumer gate: ${reason}`));
          };
          if (!grantsFor(tenant).allows(tenant, parsed.apiSubject)) {
            return refuse("not-granted", `${parsed.apiSubject} is not granted to ${tenant}: only its own streams, consumer names and filters`);
          }
          if (verb === "create") {
            const verdict = checkConsumerRequest({ tail: parsed.tail, body: m.data, inbox: inboxPrefix(identityOf(tenant)) });
            if (!verdict.ok) return refuse("request-refused", verdict.reason);
          }
          forwarding = true;
          const answer = await nc.request(parsed.apiSubject, m.data, { timeout: opts.timeoutMs ?? 5_000 });
          report({ tenant, subject: parsed.apiSubject, allowed: true });
          m.respond(answer.data);
        } catch (e) {
          report({ tenant, subject: m.subject, allowed: false, reason: (e as Error).message });
          countRefusal(tenant, forwarding ? "forward-failed" : "bad-subject");
          m.respond(refusal(verb, `consumer gate: ${(e as Error).message}`));
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
    useRegistry(registry) {
      grants = gateGrantsOf(registry);
    },
    async stop() {
      sub.unsubscribe();
      await nc.flush().catch(() => {});
    },
  };
}
