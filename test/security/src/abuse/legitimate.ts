/**
 * The other side of the matrix: what A may do must keep working. An allow list that blocks
 * everything passes every deny test; these rows prove the isolation is exact, not total.
 */
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { audienceFilter, caseStateBucket, feedConsumerName, inboxConsumers, orgStateBucket, sampleData, STREAMS } from "@schakel/contracts";
import { openBucket } from "@schakel/contracts/bus";
import type { Attempt } from "./probe.ts";
import type { World } from "./world.ts";

export interface Legitimate {
  area: string;
  attempt: (w: World) => string;
  run: (w: World) => Promise<Attempt>;
}

const works = (how: string): Attempt => ({ denied: false, how });
const COORD = STREAMS.coord.name;
const inbox = (w: World, stream: string, filter?: string) =>
  inboxConsumers(w.attacker, w.s.directory.require(w.attacker).level).find((c) => c.stream === stream && (filter === undefined || c.filter === filter))!;

/** Pulls one message from a consumer of A's and acks it; says what arrived. */
async function pullOne(w: World, stream: string, name: string): Promise<Attempt> {
  const consumer = await w.aJs.consumers.get(stream, name);
  const m = await consumer.next({ expires: 3_000 });
  if (!m) return { denied: true, how: "nothing arrived" };
  await m.ackAck();
  return works(`got and acked a message on ${m.subject.split(".").slice(0, 3).join(".")}…`);
}

async function feedSlot(w: World, slot: number, filter: string): Promise<Attempt> {
  const jsm = await w.aJs.jetstreamManager();
  const name = feedConsumerName(w.attacker, slot);
  await jsm.consumers.add(COORD, { name, filter_subject: filter, ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All, inactive_threshold: 30e9 });
  const m = await (await w.aJs.consumers.get(COORD, name)).next({ expires: 3_000 });
  await jsm.consumers.delete(COORD, name);
  return m ? works(`created through the gate, read ${m.subject.split(".").slice(0, 2).join(".")}…, deleted`) : { denied: true, how: "created but empty" };
}

/** Put, get and list keys (a watch) in one of A's own buckets. */
function ownBucket(bucket: (w: World) => string): Legitimate {
  return {
    area: "own bucket", attempt: (w) => `put, get, list keys and watch ${bucket(w)}`,
    run: async (w) => {
      const kv = await openBucket(w.a, bucket(w));
      await kv.put("probe.one", "1");
      const value = (await kv.get("probe.one"))?.string();
      const keys: string[] = [];
      for await (const k of await kv.keys()) keys.push(k);
      return value === "1" && keys.includes("probe.one") ? works("put, get and keys (a watch made through the gate) all answered") : { denied: true, how: `get=${value} keys=${keys.join(",")}` };
    },
  };
}

export const LEGITIMATE: Legitimate[] = [
  { area: "own consumers", attempt: (w) => `pull and ack its own durable ${inbox(w, COORD, audienceFilter(w.attacker)).name}`, run: (w) => pullOne(w, COORD, inbox(w, COORD, audienceFilter(w.attacker)).name) },
  { area: "own consumers", attempt: (w) => `pull and ack its level durable ${inbox(w, COORD, audienceFilter("local")).name}`, run: (w) => pullOne(w, COORD, inbox(w, COORD, audienceFilter("local")).name) },
  { area: "own consumers", attempt: (w) => `pull and ack its case inbox ${inbox(w, STREAMS.case.name).name}`, run: (w) => pullOne(w, STREAMS.case.name, inbox(w, STREAMS.case.name).name) },
  { area: "own feed slot", attempt: (w) => `create ${feedConsumerName(w.attacker, 3)} with its own filter ${audienceFilter(w.attacker)}`, run: (w) => feedSlot(w, 3, audienceFilter(w.attacker)) },
  { area: "own feed slot", attempt: (w) => `create ${feedConsumerName(w.attacker, 4)} with its level's filter ${audienceFilter("local")}`, run: (w) => feedSlot(w, 4, audienceFilter("local")) },
  ownBucket((w) => orgStateBucket(w.attacker)),
  ownBucket((w) => caseStateBucket(w.attacker)),
  {
    area: "publish as itself", attempt: () => "publish a signal to the platform with its bus client",
    run: async (w) => {
      const ack = await w.a.publish("signal.raised", sampleData("signal.raised"), { to: "vpr" });
      return ack.seq > 0 && !ack.duplicate ? works(`stored in ${ack.stream}`) : { denied: true, how: "not stored" };
    },
  },
  {
    area: "read audit", attempt: () => "record its own read with its bus client (bus.recordRead)",
    run: async (w) => {
      const ack = await w.a.recordRead({ role: "operator", interface: "cli", purpose: "schakel trace", kind: "trace", messageIds: [] });
      return ack.seq > 0 && !ack.duplicate ? works(`stored in ${ack.stream}`) : { denied: true, how: "not stored" };
    },
  },
];
