/**
 * Which organisations are connected, from the bus's own side: the readiness (`/readyz`) of the
 * process hosting the services, when `schakel up` wrote its `healthUrl`, and nats-server's
 * monitoring endpoint (`/connz?auth=1`, bound to localhost; its `monitorUrl`), which lists every
 * client connection with its account — one account per organisation. Both are optional: a source
 * that is absent or does not answer is reported as such, never as a failure of the command.
 */
import { z } from "zod";

/** What one source says about the organisations, or why it said nothing. */
export type SourceReading<T> = { state: "ok"; url: string; value: T } | { state: "absent" } | { state: "unavailable"; url: string; reason: string };

/** Connections per account name (organisation id, or an operator account). */
export type ConnectionCounts = Map<string, number>;

/** Per organisation: ready or not, and the reason the hosting process gives. */
export type Readiness = Map<string, { ready: boolean; reason: string | null }>;

const TIMEOUT_MS = 2_000;
const PAGE = 1_024;

const Connz = z.object({
  total: z.number().optional(),
  offset: z.number().optional(),
  connections: z.array(z.object({ account: z.string().optional() }).passthrough()).nullish(),
});

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  // A not-ready answer (503) still carries the per-organisation reasons.
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}, not JSON`);
  }
}

const reasonOf = (err: unknown): string => {
  const e = err as Error & { cause?: { code?: string } };
  return e.cause?.code ?? (e.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000}s` : e.message);
};

/** Client connections per account from nats-server's `/connz?auth=1`, page by page. */
export async function readConnectionCounts(monitorUrl: string | undefined): Promise<SourceReading<ConnectionCounts>> {
  if (!monitorUrl) return { state: "absent" };
  const counts: ConnectionCounts = new Map();
  try {
    for (let offset = 0; ; offset += PAGE) {
      const page = Connz.parse(await getJson(new URL(`/connz?auth=1&limit=${PAGE}&offset=${offset}`, monitorUrl).href));
      const list = page.connections ?? [];
      for (const c of list) if (c.account) counts.set(c.account, (counts.get(c.account) ?? 0) + 1);
      if (list.length < PAGE || (page.total !== undefined && offset + PAGE >= page.total)) break;
    }
    return { state: "ok", url: monitorUrl, value: counts };
  } catch (err) {
    return { state: "unavailable", url: monitorUrl, reason: reasonOf(err) };
  }
}

const Ready = z.object({ ready: z.boolean(), reason: z.string().optional() });
/** `/readyz` of a Schakel process (services/runtime/src/health/readiness.ts): per component, per hosted organisation. */
const ProcessReadiness = z.object({
  ready: z.boolean(),
  components: z.record(z.string(), Ready.extend({ organisations: z.record(z.string(), Ready).optional() })),
});

/**
 * Per-organisation readiness from a `/readyz` answer: an organisation hosted by several
 * components is ready when each says so; the reasons of those that do not are joined. Anything
 * else than that shape yields no organisations (the source then tells nothing).
 */
export function parseReadiness(body: unknown): Readiness {
  const out: Readiness = new Map();
  const parsed = ProcessReadiness.safeParse(body);
  if (!parsed.success) return out;
  for (const [component, c] of Object.entries(parsed.data.components)) {
    for (const [org, r] of Object.entries(c.organisations ?? {})) {
      const seen = out.get(org) ?? { ready: true, reason: null };
      const reason = r.ready ? null : `${component}: ${r.reason ?? "not ready"}`;
      out.set(org, { ready: seen.ready && r.ready, reason: [seen.reason, reason].filter(Boolean).join("; ") || null });
    }
  }
  return out;
}

/** The hosting process's readiness per organisation, from `<healthUrl>/readyz`. */
export async function readReadiness(healthUrl: string | undefined): Promise<SourceReading<Readiness>> {
  if (!healthUrl) return { state: "absent" };
  const url = new URL("/readyz", healthUrl).href;
  try {
    return { state: "ok", url, value: parseReadiness(await getJson(url)) };
  } catch (err) {
    return { state: "unavailable", url, reason: reasonOf(err) };
  }
}
