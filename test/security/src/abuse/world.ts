/**
 * The scene of the abuse matrix: organisation A (the attacker, with its real credentials) and
 * organisation B (the victim) at the same level, so that A legitimately reads `coord.local.>` and
 * `coord.all.>` and only B's own messages, consumers and bucket separate them. B's messages and
 * bucket carry a random secret; the matrix counts how many bytes containing it reach A.
 */
import { jetstream, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { caseStateBucket, inboxPrefix, orgStateBucket, sampleData, STREAMS } from "@schakel/contracts";
import { openBucket, seal, type Bus } from "@schakel/contracts/bus";
import type { SchakelServer } from "@schakel/harness";
import { Probe } from "./probe.ts";

export interface World {
  s: SchakelServer;
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
export async function buildWorld(s: SchakelServer, attacker = "antwerpen", victim = "mechelen"): Promise<World> {
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
  const a = await s.connectAs(attacker);
  const probe = new Probe(await s.rawAs(attacker), inboxPrefix(attacker));
  await probe.reset();
  const aJs = jetstream(await s.rawAs(attacker));
  const bJs = jetstream(await s.rawAs(victim));
  return { s, jsm, attacker, victim, probe, a, b, aJs, bJs, secret, victimSeqs, victimKey };
}

/** Messages stored in COORD, for "nothing was stored / removed" checks. */
export async function coordCount(w: World): Promise<number> {
  return (await w.jsm.streams.info(STREAMS.coord.name)).state.messages;
}
