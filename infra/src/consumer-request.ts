/**
 * The consumer gate's check of one create request body. The gate has matched the subject against
 * the tenant's grants (its own stream, consumer name and filter); this checks the body against it and refuses
 * every field that makes the server publish somewhere or bypass the filter.
 */

/** Consumer config fields of nats-server 2.9 a tenant may set (anything else is refused by name). */
const ALLOWED = new Set([
  "name", "durable_name", "description", "deliver_policy", "opt_start_seq", "opt_start_time", "ack_policy", "ack_wait",
  "max_deliver", "backoff", "filter_subject", "replay_policy", "max_waiting", "max_ack_pending", "headers_only",
  "max_batch", "max_expires", "max_bytes", "inactive_threshold", "num_replicas", "mem_storage",
  // Push delivery, only into the tenant's own inbox on its own buckets (checked below).
  "deliver_subject", "flow_control", "idle_heartbeat", "rate_limit_bps",
]);

export type RequestVerdict = { ok: true } | { ok: false; reason: string };

export interface ConsumerRequest {
  /** What follows `$JS.API.CONSUMER.CREATE.`: `<stream>[.<name>[.<filter>]]`. */
  tail: string;
  body: Uint8Array;
  /** The tenant's inbox prefix, e.g. `_INBOX_mechelen`. */
  inbox: string;
}

const dec = new TextDecoder();
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Decides whether a tenant's consumer create request may be forwarded to JetStream. */
export function checkConsumerRequest(req: ConsumerRequest): RequestVerdict {
  const [stream = "", name, ...filterTokens] = req.tail.split(".");
  const subjectFilter = filterTokens.length ? filterTokens.join(".") : undefined;
  const no = (reason: string): RequestVerdict => ({ ok: false, reason });
  let body: unknown;
  try {
    body = JSON.parse(dec.decode(req.body));
  } catch {
    return no("the request body is not JSON");
  }
  if (!isRecord(body) || !isRecord(body.config)) return no("the request has no consumer config");
  if (body.stream_name !== undefined && body.stream_name !== stream) return no(`stream_name "${String(body.stream_name)}" differs from the subject's stream "${stream}"`);
  const cfg = body.config;
  const unknown = Object.keys(cfg).filter((k) => !ALLOWED.has(k));
  if (unknown.length) return no(`consumer config field(s) ${unknown.join(", ")} are not allowed for organisations`);
  for (const key of ["name", "durable_name"] as const) {
    if (cfg[key] !== undefined && name !== undefined && cfg[key] !== name) return no(`${key} "${String(cfg[key])}" differs from the consumer name "${name}" of the subject`);
  }
  const ownBucket = stream.startsWith("KV_");
  if (!ownBucket) {
    // Shared streams: the filter is bound by the subject; the body must carry the same one.
    if (subjectFilter === undefined || cfg.filter_subject !== subjectFilter) {
      return no(`filter_subject ${JSON.stringify(cfg.filter_subject)} must equal the filter of the create subject (${subjectFilter ?? "none"})`);
    }
  }
  const deliver = cfg.deliver_subject;
  if (deliver !== undefined && deliver !== "") {
    if (!ownBucket) return no(`push consumers (deliver_subject ${JSON.stringify(deliver)}) are not allowed on ${stream}: pull instead`);
    if (typeof deliver !== "string" || !deliver.startsWith(`${req.inbox}.`) || /[*>\s]/.test(deliver)) {
      return no(`deliver_subject ${JSON.stringify(deliver)} is outside your inbox prefix ${req.inbox}`);
    }
  } else if (cfg.flow_control || cfg.idle_heartbeat || cfg.rate_limit_bps) {
    return no("flow_control, idle_heartbeat and rate_limit_bps are for push consumers");
  }
  return { ok: true };
}
