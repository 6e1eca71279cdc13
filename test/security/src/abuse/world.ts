/**
 * The scene of the abuse matrix: organisation A (the attacker, with its real credentials) and
 * organisation B (the victim) at the same level, so that A legitimately reads `coord.local.>` and
 * `coord.all.>` and only B's own messages, consumers and bucket separate them. B's messages and
 * bucket carry a random secret; the matrix counts how many bytes containing it reach A.
 */
import { jetstream, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { caseStateBucket, inboxConsumers, inboxPrefix, orgStateBucket, sampleData, STREAMS } from "@schakel/contracts";
import { openBucket, seal, type Bus } from "@schakel/contracts/bus";
import type { SchakelServer } from "@schakel/harness";
import { Probe } from "./probe.ts";

/** Where A connects: the hub (default), or its own leaf. */
export interface AttackerSite {
  url: string;
  connectAs(org: string): Promise<Bus>;
  rawAs(org: string): Promise<NatsConnection>;
  /** The JetStream domain A's clients use there (the hub's, at a leaf). */
  jetStreamDomain?: string;
  /** How A names a JetStream API or KV subject there (see Probe). */
  at?: (subject: string) => string;
  /** What A's wiretap listens to there (default: its inbox prefix; ">" where A may subscribe to everything). */
  wiretap?: string;
}

export interface World {
  s: SchakelServer;
  /** Where A connects (the hub's URL, or its leaf's). */
  url: string;
  jsm: JetStreamManager;
  attacker: string;
  victim: string;
  /** A's raw connection (its nkey and inbox prefix), observed. */
  probe: Probe;
  /** A's and B's bus clients, for the legitimate side. */
  a: Bus;
  b: Bus;
  /** JetStream over A's own raw connection (its nkey and inbox prefix): what A can do below its bus client. */
  aJs: JetStreamClient;
  /** The same for B, to look at B's inbox as B. */
  bJs: JetStreamClient;
  /** Appears in every byte of B's data: notices to B and B's bucket. */
  secret: string;
  /** COORD sequences of the messages addressed to B. */
  victimSeqs: number[];
  /** The KV key B keeps its secret under, in its own bucket and in its case state bucket. */
  victimKey: string;
}

export const raw = (w: World): NatsConnection => w.probe.nc;

/** Publishes the scene: notices to B (with the secret), to A, to their level, and B's bucket entry. */
export async function buildWorld(s: SchakelServer, attacker = "antwerpen", victim = "mechelen", site?: AttackerSite): Promise<World> {
  const jsm = await s.jsm();
  const secret = `B-ONLY-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const ocam = await s.connectAs("fed-ocam");
  const victimSeqs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const data = { ...sampleData("notice.posted"), body: `For ${victim} only: ${secret} (${i})` };
    victimSeqs.push((await ocam.publish("notice.posted", data, { to: victim })).seq);
  }
  for (let i = 0; i < 4; i++) await ocam.publish("notice.posted", sampleData("notice.posted"), { to: attacker });
  await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "local" });
  const police = await s.connectAs("fed-police");
  const sealed = seal({ question: "Known to your service?" }, [{ org: attacker, key: s.directory.sealingKeyOf(attacker) }]);
  await police.publish("case.consultation.requested", sampleData("case.consultation.requested", sealed), { to: attacker });
  const b = await s.connectAs(victim);
  const victimKey = "case.register";
  await (await openBucket(b, orgStateBucket(victim))).put(victimKey, JSON.stringify({ note: secret }));
  await (await openBucket(b, caseStateBucket(victim))).put(victimKey, JSON.stringify({ note: secret }));
  // B's read record (READS sequence 1): the secret travels in its purpose.
  await b.recordRead({ interface: "service", purpose: `opened ${secret}`, kind: "record", messageIds: [] });
  const bJs = jetstream(await s.rawAs(victim));
  const hub: AttackerSite = { url: s.url, connectAs: (org) => s.connectAs(org), rawAs: (org) => s.rawAs(org) };
  return attackFrom({ s, jsm, attacker, victim, b, bJs, secret, victimSeqs, victimKey }, site ?? hub);
}

/** The same scene with A connected at `site`. */
export async function attackFrom(scene: Omit<World, "url" | "probe" | "a" | "aJs">, site: AttackerSite): Promise<World> {
  const a = await site.connectAs(scene.attacker);
  const probe = new Probe(await site.rawAs(scene.attacker), inboxPrefix(scene.attacker), site.at, site.wiretap);
  await probe.reset();
  const aJs = jetstream(await site.rawAs(scene.attacker), site.jetStreamDomain ? { domain: site.jetStreamDomain } : {});
  return { ...scene, url: site.url, probe, a, aJs };
}

/** Messages stored in COORD, for "nothing was stored / removed" checks. */
export async function coordCount(w: World): Promise<number> {
  return (await w.jsm.streams.info(STREAMS.coord.name)).state.messages;
}

/** B's own inbox read as B: each message with its delivery count and whether it carries the secret. */
export async function victimInbox(w: World): Promise<{ seq: number; count: number; secret: boolean }[]> {
  const own = inboxConsumers(w.victim, w.s.directory.require(w.victim).level)[0]!;
  const consumer = await w.bJs.consumers.get(own.stream, own.name);
  const seen: { seq: number; count: number; secret: boolean }[] = [];
  for (let i = 0; i < w.victimSeqs.length; i++) {
    const m = await consumer.next({ expires: 3_000 });
    if (!m) break;
    seen.push({ seq: m.seq, count: m.info.deliveryCount, secret: m.string().includes(w.secret) });
    m.ack();
  }
  return seen;
}
