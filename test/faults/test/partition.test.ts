/**
 * A network partition of a 3-node cluster with R3 streams: while a service publishes, the COORD
 * stream's leader is cut from its two followers (every route between them passes through a relay
 * the test severs; all three servers keep running and keep their clients), then the routes are
 * healed. The majority elects a new leader and goes on acknowledging; the old leader, alone, must
 * acknowledge nothing (a client connected to it keeps publishing during the cut); after healing,
 * the stream holds every acknowledged message once, and a consumer whose connection was on the
 * cut-off node resumes and processes each of them exactly once.
 *
 * Two faults of nats-server are told apart from ours (known-server-faults.ts, docs/OPERATIONS.md):
 * - before 2.10.23 the cut-off leader's replica can apply its unacknowledged writes in place of
 *   acknowledged ones, or stay behind (PARTITION_DESYNC): on such a server every acknowledged
 *   message missing from the stream must be one of those, and a consumer whose leader serves from
 *   that replica may leave unprocessed at most the minority's writes plus the replicas' lag;
 * - on 2.9.10 the consumer's pull requests from the cut-off node may go unserved for a while after
 *   healing (PULLS_UNSERVED_AFTER_HEAL): a consumer that has not caught up within RESUME_MS passes
 *   only if its client kept sending pulls meanwhile (counted by the server it is connected to);
 *   a read loop that stopped pulling fails.
 */
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { inboxConsumers, sampleData, STREAMS } from "@schakel/contracts";
import { fetchMonitor, readInfo, waitFor, type NatsServer } from "@schakel/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerAtLeader, probeStall, type ConsumerAtLeader, type StallProbe } from "../src/consumer-stall.ts";
import { EffectLedger } from "../src/effects.ts";
import { hasFix, PARTITION_DESYNC } from "../src/known-server-faults.ts";
import { reportFigures, secondsSince } from "../src/figures.ts";
import { prepareIdentities, type TestIdentities } from "../src/identities.ts";
import { startMinorityPublisher } from "../src/minority-publisher.ts";
import { publishReliably } from "../src/reliable-publisher.ts";
import { readStreamContents } from "../src/stream-contents.ts";
import { startSecuredCluster, type SecuredCluster } from "../src/secured-cluster.ts";

const COORD = STREAMS.coord.name;
/** The receiver reads only its own inbox, so that what its connection sends is that consumer's pulls. */
const RECEIVER = "mechelen";
const INBOX = inboxConsumers(RECEIVER, "local").find((c) => c.name === `${RECEIVER}--${RECEIVER}`)!;
/** Acks before the cut, acks on the majority side before healing, and acks after healing. */
const BEFORE_CUT = 500;
const DURING_CUT = 500;
const AFTER_HEAL = 1_000;
/** Sends in flight at once: the acks of up to this many sent before the cut may still arrive after it. */
const WINDOW = 32;
/** How long healed replicas get to agree (seconds when the server is sound). */
const CONVERGE_MS = 8_000;
/** How long the consumer gets to catch up after the routes are back, before its stall is examined. */
const RESUME_MS = 15_000;

let t: TestIdentities;
let cluster: SecuredCluster;

beforeAll(async () => {
  t = await prepareIdentities();
  cluster = await startSecuredCluster(t, "schakel-partition", { relayRoutes: true, organisations: ["fed-ocam", RECEIVER], ackWaitMs: 2_000 });
});

afterAll(async () => {
  await t?.cleanup();
  await cluster?.cleanup();
});

interface Routez { num_routes?: number }
interface Jsz { account_details?: { stream_detail?: { name: string; state: { messages: number; last_seq: number } }[] }[] }

const routesOf = async (s: NatsServer): Promise<number> => (await fetchMonitor<Routez>(s.monitorUrl!, "/routez")).num_routes ?? 0;
type ReplicaState = { messages: number; last_seq: number } | undefined;
/** COORD's state as one node holds it (its own replica), from its monitoring endpoint. */
async function replicaState(s: NatsServer): Promise<ReplicaState> {
  const jsz = await fetchMonitor<Jsz>(s.monitorUrl!, "/jsz?accounts=true&streams=true");
  return jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((d) => d.name === COORD)?.state;
}
/** "messages@last_seq", or "none" for a node without the stream. */
const shown = (r: ReplicaState): string => (r ? `${r.messages}@${r.last_seq}` : "none");

/** The stream's leader as the majority sees it, once it is not `old` (the API may not answer during an election). */
async function newLeader(jsm: JetStreamManager, old: string): Promise<string | undefined> {
  const leader = (await jsm.streams.info(COORD)).cluster?.leader;
  return leader && leader !== old ? leader : undefined;
}

describe("partition", () => {
  it("partition - the stream leader cut from both followers during publishing, then healed: the minority acknowledges nothing, nothing acknowledged is lost (before nats-server 2.10.23: only what the known desync replaced), the consumer resumes (or, unserved by the server, keeps pulling) and processes each message once", async () => {
    const started = performance.now();
    const c = cluster;
    const { version } = await readInfo(c.servers[0]!.port);
    const { i: cut } = await waitFor(() => c.streamLeader(COORD).then((i) => ({ i })), { timeoutMs: 15_000, what: "the COORD leader" });
    const oldLeader = c.names[cut]!;
    const majority = [...c.servers.keys()].filter((i) => i !== cut);
    const majorityUrls = majority.map((i) => c.urls[i]!);
    const majorityJsm = await jetstreamManager(await t.admin(majorityUrls));
    // The service publishes through the majority's nodes; a second client of it, and the consumer, sit on the node to be cut off.
    const sender = await t.bus("fed-ocam", majorityUrls);
    const isolated = await t.bus("fed-ocam", [c.urls[cut]!], { timeoutMs: 2_000 });
    const connectionName = `partition-receiver:${RECEIVER}`;
    const receiver = await t.bus(RECEIVER, [c.urls[cut]!], { name: connectionName });
    const effects = new EffectLedger();
    const firstRun = new Map<string, number>();
    // Pulls of 2 s (deployed: 10 s): a pull lost with the partition is noticed and renewed within that.
    const consumption = receiver.consume({
      consumers: [INBOX],
      batch: 200,
      expiresMs: 2_000,
      handlers: {
        "coordination.requested": (d) => {
          effects.record(d.envelope.id, d.deliveryCount);
          if (!firstRun.has(d.envelope.id)) firstRun.set(d.envelope.id, performance.now());
        },
      },
    });
    const request = (bus: typeof sender) => () => bus.prepare("coordination.requested", sampleData("coordination.requested"), { to: RECEIVER });

    let acked = 0;
    const at = { cut: 0, leader: 0, heal: 0, ackedAtCut: 0, ackedAtHeal: 0 };
    let elected = "";
    let healed = false;
    const partition = async () => {
      at.cut = performance.now();
      at.ackedAtCut = acked;
      c.routes!.isolate(cut);
      await waitFor(async () => (await routesOf(c.servers[cut]!)) === 0, { timeoutMs: 10_000, intervalMs: 50, what: `${oldLeader} without routes` });
      const minority = startMinorityPublisher(isolated, request(isolated));
      try {
        const leaderSeen = waitFor(() => newLeader(majorityJsm, oldLeader), { timeoutMs: 30_000, intervalMs: 100, what: `a new COORD leader on the majority side of ${oldLeader}` })
          .then((name) => void ((elected = name), (at.leader = performance.now())));
        await waitFor(() => acked >= at.ackedAtCut + WINDOW + DURING_CUT && minority.record.sent.length >= 8, { timeoutMs: 30_000, intervalMs: 50, what: `${DURING_CUT} acks on the majority side` });
        await leaderSeen;
        // No route of the old leader came back on its own: the cut held until now.
        expect(await routesOf(c.servers[cut]!)).toBe(0);
      } finally {
        at.heal = performance.now();
        at.ackedAtHeal = acked;
        healed = true;
        c.routes!.heal();
      }
      return minority.stop();
    };
    let fault: ReturnType<typeof partition> | undefined;
    const progress = await publishReliably(sender, BEFORE_CUT + DURING_CUT + AFTER_HEAL, request(sender), {
      window: WINDOW,
      deadlineMs: 90_000,
      // Publishing goes on through the cut and for a while after healing, however long each takes.
      more: () => !healed || acked < at.ackedAtHeal + AFTER_HEAL,
      onAck: (n) => {
        acked = n;
        if (n >= BEFORE_CUT && !fault) {
          fault = partition();
          fault.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
        }
      },
    });
    const minority = await fault!;
    const ackedIds = [...progress.acked];
    const minorityAcks = minority.acks.filter((a) => a.at < at.heal).length;
    for (const a of minority.acks) ackedIds.push(a.id);

    // Healed: every node routes to both others again; then the replicas get CONVERGE_MS to agree
    // (those that do not, stay apart: see docs/OPERATIONS.md) and, meanwhile, the consumer
    // RESUME_MS to catch up: every acknowledged message run, or nothing left for it at its leader
    // (what the stream lost cannot be delivered; it is counted on the stream below).
    await waitFor(async () => (await Promise.all(c.servers.map(routesOf))).every((n) => n === 2), { timeoutMs: 30_000, intervalMs: 100, what: "the routes back on every node" });
    const healedAt = performance.now();
    let states: ReplicaState[] = [];
    let convergedAfter = 0;
    let atLeader: ConsumerAtLeader | undefined;
    const caughtUp = async (): Promise<boolean> => {
      if (effects.missing(ackedIds).length === 0) return true;
      atLeader = await consumerAtLeader(c.servers, c.names, majority, COORD, INBOX.name);
      return atLeader !== undefined && atLeader.pending === 0 && atLeader.ackPending === 0 && atLeader.delivered > 0;
    };
    const [converged, resumed] = await Promise.all([
      waitFor(async () => {
        states = await Promise.all(c.servers.map(replicaState));
        return states.every((r) => r !== undefined) && new Set(states.map(shown)).size === 1;
      }, { timeoutMs: CONVERGE_MS, intervalMs: 100, what: "the three replicas of COORD to agree" }).then(() => ((convergedAfter = (performance.now() - healedAt) / 1000), true), () => false),
      waitFor(caughtUp, { timeoutMs: RESUME_MS, intervalMs: 250, what: `${INBOX.name} caught up` }).then(() => true, () => false),
    ]);
    // Not caught up: is the read loop still pulling (the server's, below), or did it stop (ours)?
    let stall: StallProbe | undefined;
    if (!resumed) {
      stall = await probeStall(c.servers, connectionName, () => effects.distinct);
      atLeader = await consumerAtLeader(c.servers, c.names, majority, COORD, INBOX.name);
    }
    await consumption.stop();
    const admin = await t.admin(c.urls);
    // Right after healing the meta layer may still be electing: read once the API answers.
    const contents = await waitFor(() => readStreamContents(admin, COORD), { timeoutMs: 30_000, intervalMs: 250, what: "COORD read back" });

    const lost = ackedIds.filter((id) => !contents.copies.has(id)).length;
    const minorityStored = minority.sent.filter((id) => contents.copies.has(id)).length;
    const unreadTail = contents.lastSeq - contents.readUpTo;
    // Stored and acknowledged, yet its handler never ran.
    const unprocessed = effects.missing(ackedIds.filter((id) => contents.copies.has(id))).length;
    // How far the replicas' last sequences lie apart once healed (0 when they agree).
    const lastSeqs = states.flatMap((r) => (r ? [r.last_seq] : []));
    const replicaLag = lastSeqs.length ? Math.max(...lastSeqs) - Math.min(...lastSeqs) : 0;
    // Messages the new leader acknowledged: the consumer on the cut-off node may only see them after healing.
    const afterElection = [...progress.acked].slice(at.ackedAtCut + WINDOW);
    const seenBeforeHeal = afterElection.filter((id) => (firstRun.get(id) ?? Infinity) < at.heal).length;
    const resumedAt = Math.min(...afterElection.map((id) => firstRun.get(id) ?? Infinity));
    const failures = [...minority.failures].map(([code, n]) => `${code}:${n}`).join("+") || "none";
    reportFigures("partition-leader-cut-off", {
      server: version, published: progress.acked.size + minority.sent.length, acked: ackedIds.length, lost, duplicates: effects.duplicates, stored_twice: contents.storedTwice,
      stored: contents.messages, unread_tail: unreadTail, replicas: states.map(shown).join(","), converged: converged ? `${convergedAfter.toFixed(1)}s` : "no", replica_lag: replicaLag, unprocessed,
      old_leader: oldLeader, new_leader: elected,
      minority_sent: minority.sent.length, minority_acked: minorityAcks, minority_late_acks: minority.acks.length - minorityAcks, minority_stored: minorityStored, minority_refusals: failures,
      time_to_new_leader: `${((at.leader - at.cut) / 1000).toFixed(1)}s`, cut: `${((at.heal - at.cut) / 1000).toFixed(1)}s`,
      write_outage: `${(progress.longestStallMs / 1000).toFixed(1)}s`, resume_after_heal: Number.isFinite(resumedAt) ? `${((resumedAt - at.heal) / 1000).toFixed(1)}s` : "none",
      consumer: resumed ? "caught-up" : stall?.progressed ? "resuming-late" : stall?.pulling ? "unserved-while-pulling" : "stopped-pulling",
      ...(stall ? { pulls_while_stalled: stall.sent, probe: `${(stall.probeMs / 1000).toFixed(1)}s`, consumer_leader: atLeader?.leader ?? "none", waiting_at_leader: atLeader?.waiting ?? 0, pending_at_leader: atLeader?.pending ?? 0 } : {}),
      redelivered: effects.redelivered, retried_sends: progress.retries, time: secondsSince(started),
    });
    expect(elected).not.toBe(oldLeader);
    expect(minorityAcks).toBe(0);
    expect(seenBeforeHeal).toBe(0);
    expect(contents.storedTwice).toBe(0);
    expect(effects.duplicates).toBe(0);
    if (resumed && hasFix(version, PARTITION_DESYNC)) {
      expect(unprocessed).toBe(0);
    } else if (resumed) {
      // PARTITION_DESYNC reaches the consumer too: its leader serves from its own replica, which
      // may hold the cut-off leader's unacknowledged writes in place of acknowledged ones, or stay
      // behind. What it never ran is at most what that explains: the minority's writes and the lag.
      expect(unprocessed).toBeLessThanOrEqual(minority.sent.length + replicaLag);
    } else {
      // PULLS_UNSERVED_AFTER_HEAL (no release known to fix it) is the server's only while our read loop kept asking for messages.
      expect(stall!.pulling || stall!.progressed, `${INBOX.name} had not caught up ${RESUME_MS / 1000} s after healing and its client sent nothing in ${(stall!.probeMs / 1000).toFixed(1)} s more while nothing was processed: the read loop stopped pulling (contracts' read-stream.ts)`).toBe(true);
    }
    if (hasFix(version, PARTITION_DESYNC)) {
      expect(lost).toBe(0);
      expect(minorityStored).toBe(0);
      expect(unreadTail).toBe(0);
      expect(converged).toBe(true);
    } else {
      // Known failure of this server version (docs/OPERATIONS.md, "Known limits"): the cut-off
      // leader's replica may apply its unacknowledged writes in place of acknowledged ones, or
      // stay behind. What is lost is what it put in their place or had not received when it
      // served the read, never more; it never stores more than it was sent.
      expect(lost).toBeLessThanOrEqual(minorityStored + unreadTail);
      expect(minorityStored).toBeLessThanOrEqual(minority.sent.length);
    }
  });
});
