/**
 * Telling a consumer that stopped pulling (ours: the bus client's read loop) from one whose pulls
 * the cluster does not serve (the server): how many messages the consumer's client sent to the
 * server it is connected to while nothing was processed, and what the consumer's leader says of
 * it (delivered, pending, pull requests waiting there). The counts come from each node's
 * monitoring endpoint, so they hold whatever the client believes it did.
 */
import { fetchMonitor, waitFor, type NatsServer } from "@schakel/harness";

/** A durable consumer as its leader reports it. */
export interface ConsumerAtLeader {
  leader: string;
  delivered: number;
  pending: number;
  ackPending: number;
  /** Pull requests waiting at the leader. */
  waiting: number;
}

interface ConsumerDetail {
  name: string;
  delivered?: { stream_seq: number };
  num_pending?: number;
  num_ack_pending?: number;
  num_waiting?: number;
  cluster?: { leader?: string };
}
interface Jsz { account_details?: { stream_detail?: { name: string; consumer_detail?: ConsumerDetail[] }[] }[] }
interface Connz { connections?: { name?: string; in_msgs: number }[] }

/**
 * Consumer `name` of `stream` as its leader reports it: the leader the `judges` (indices of nodes
 * that were never cut off) name, read from that node itself, which must agree that it leads. A node
 * that was cut off may still call itself leader for a while; its word alone counts for nothing.
 * Undefined while the judges name no leader, disagree, or the named node does not agree.
 */
export async function consumerAtLeader(servers: NatsServer[], names: string[], judges: number[], stream: string, name: string): Promise<ConsumerAtLeader | undefined> {
  const detailAt = async (i: number): Promise<ConsumerDetail | undefined> => {
    const jsz = await fetchMonitor<Jsz>(servers[i]!.monitorUrl!, "/jsz?accounts=true&streams=true&consumers=true").catch(() => undefined);
    return jsz?.account_details?.flatMap((a) => a.stream_detail ?? []).find((x) => x.name === stream)?.consumer_detail?.find((x) => x.name === name);
  };
  const named = new Set((await Promise.all(judges.map(detailAt))).map((d) => d?.cluster?.leader ?? ""));
  const leader = named.size === 1 ? [...named][0]! : "";
  const at = names.indexOf(leader);
  if (at < 0) return undefined;
  const d = await detailAt(at);
  if (d?.cluster?.leader !== leader) return undefined;
  return { leader, delivered: d.delivered?.stream_seq ?? 0, pending: d.num_pending ?? 0, ackPending: d.num_ack_pending ?? 0, waiting: d.num_waiting ?? 0 };
}

/** Messages the servers received from the connections named `connection` (pulls, acks, API requests), summed over all nodes. */
export async function messagesFrom(servers: NatsServer[], connection: string): Promise<number> {
  const counts = await Promise.all(servers.map((s) => fetchMonitor<Connz>(s.monitorUrl!, "/connz?limit=4096").then(
    (c) => (c.connections ?? []).filter((x) => x.name === connection).reduce((n, x) => n + x.in_msgs, 0), () => 0)));
  return counts.reduce((a, b) => a + b, 0);
}

export interface StallProbe {
  /** The client sent at least one message (a pull request or CONSUMER.INFO) while nothing was processed. */
  pulling: boolean;
  /** Processing went on during the probe (a late resume, not a stall). */
  progressed: boolean;
  /** Messages the servers received from the client during the probe. */
  sent: number;
  probeMs: number;
}

/**
 * Watches the client `connection` of a consumer that has not caught up until it sends a message
 * while `progress()` stays unchanged (its read loop is alive: nats.js pulls again each second once
 * two heartbeats are missed, and asks for CONSUMER.INFO at least every `expires` plus the API
 * timeout), until `progress()` moves, or until `timeoutMs` passed (the loop stopped). The client
 * must read one consumer only, so that what it sends is that consumer's.
 */
export async function probeStall(servers: NatsServer[], connection: string, progress: () => number, timeoutMs = 8_000): Promise<StallProbe> {
  const started = performance.now();
  const [from, progressFrom] = [await messagesFrom(servers, connection), progress()];
  let sent = 0;
  const outcome = await waitFor(async () => {
    if (progress() !== progressFrom) return "progressed";
    sent = (await messagesFrom(servers, connection)) - from;
    // Acks are sent only for processed messages, so with no progress what it sent is pulls or INFO requests.
    return sent > 0 && progress() === progressFrom ? "pulling" : undefined;
  }, { timeoutMs, intervalMs: 250, what: `a message from ${connection}` }).catch(() => "stopped" as const);
  return { pulling: outcome === "pulling", progressed: outcome === "progressed", sent, probeMs: performance.now() - started };
}
