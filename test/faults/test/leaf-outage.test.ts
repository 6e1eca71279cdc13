/**
 * A leaf cut off from the hub for longer than the receivers' clock-skew tolerance (set to 2 s
 * here; 5 min by default): what a municipality published at its leaf meanwhile waited in the
 * leaf's OUTBOX, reaches the hub when the link is back, and is delivered to the federal liaison
 * once each, none dead-lettered — the hub's server marks what it sources (`Nats-Stream-Source`),
 * and receivers accept such a message up to the OUTBOX's retention. A captured message published
 * again is still refused: straight at the hub it is too old (`clock-skew`); at the leaf with its
 * own message id the OUTBOX drops it as a duplicate; with a new message id it is refused
 * (`msg-id-mismatch`). The cut is a real network cut (a relay in the link is severed).
 */
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import { LEAF, sampleData, STREAMS } from "@schakel/contracts";
import { HEADERS, OUTBOX_WAIT_MS, type Bus, type ConsumeEvent, type Consumption } from "@schakel/contracts/bus";
import { sleep, waitFor } from "@schakel/harness";
import { DEFAULT_OUTBOX_DAYS, leavesPerLevel } from "@schakel/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFigures, secondsSince } from "../src/figures.ts";
import { prepareIdentities, type TestIdentities } from "../src/identities.ts";
import { startLeafTopology, type LeafTopology } from "../src/leaf-topology.ts";

const TOLERANCE_MS = 2_000;
const OUTAGE_MS = 2 * TOLERANCE_MS + 500;
const BATCH = 20;
let t: TestIdentities;
let topo: LeafTopology;
let mechelen: Bus;
let consumption: Consumption;
let hubJsm: JetStreamManager;
const effects = new Map<string, number>();
const events: ConsumeEvent[] = [];

beforeAll(async () => {
  t = await prepareIdentities();
  topo = await startLeafTopology(t, leavesPerLevel(t.registry).filter((s) => s.name === "local"));
  hubJsm = await jetstreamManager(await t.admin(topo.hub.url));
  mechelen = await t.bus("mechelen", topo.leaves.get("local")!.server.url, { jetStreamDomain: LEAF.hubDomain });
  // The liaison reads at the hub with the short tolerance.
  const ocam = await t.bus("fed-ocam", topo.hub.url, { skewMs: TOLERANCE_MS });
  consumption = ocam.consume({
    handlers: { "signal.raised": (d) => void effects.set(d.envelope.id, (effects.get(d.envelope.id) ?? 0) + 1) },
    onEvent: (e) => void events.push(e),
  });
});

afterAll(async () => {
  await consumption?.stop();
  await topo?.cleanup();
  await t?.cleanup();
});

const arrived = (ids: string[]): number => ids.filter((id) => effects.has(id)).length;
const rejected = () => events.filter((e): e is Extract<ConsumeEvent, { kind: "rejected" }> => e.kind === "rejected");

/** A stored message's bytes and headers, published again by `nc` on its subject (the new message id, if any). */
async function publishAgain(nc: NatsConnection, seq: number, msgId?: string): Promise<{ seq: number; duplicate: boolean }> {
  const stored = await hubJsm.streams.getMessage(STREAMS.coord.name, { seq });
  const h = natsHeaders();
  for (const k of [HEADERS.contentType, HEADERS.signature, HEADERS.traceparent]) h.set(k, stored!.header.get(k));
  const ack = await jetstream(nc).publish(stored!.subject, stored!.data, { headers: h, msgID: msgId ?? stored!.header.get(HEADERS.msgId) });
  return { seq: ack.seq, duplicate: ack.duplicate };
}

describe("leaf outage longer than the tolerance", () => {
  it("leaf outage - every message published at a leaf cut off longer than the tolerance is delivered once, none dead-lettered", async () => {
    expect(DEFAULT_OUTBOX_DAYS * 86_400_000).toBe(OUTBOX_WAIT_MS);
    const started = performance.now();
    const local = topo.leaves.get("local")!;
    local.link.cut();
    await topo.waitForLinks([]);
    const cutAt = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      const ack = await mechelen.publish("signal.raised", sampleData("signal.raised"), { to: "federal" });
      expect(ack.stream).toBe(LEAF.outboxStream);
      ids.push(ack.id);
    }
    // The outage itself: the link stays down for twice the tolerance.
    await sleep(OUTAGE_MS - (performance.now() - cutAt));
    expect(arrived(ids)).toBe(0);
    local.link.restore();
    await topo.waitForLinks(["local"]);
    const healed = performance.now();
    await waitFor(() => arrived(ids) === ids.length || rejected().length > 0, { timeoutMs: 60_000, intervalMs: 100, what: `${ids.length} signals at fed-ocam (have ${arrived(ids)})` });
    const recovery = (performance.now() - healed) / 1000;

    // Each was stored at the hub by sourcing, later than the tolerance allows a direct publication.
    const info = await hubJsm.streams.info(STREAMS.coord.name);
    let oldest = 0;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await hubJsm.streams.getMessage(STREAMS.coord.name, { seq });
      expect(m!.header.get(HEADERS.streamSource)).toMatch(/^OUTBOX:\S+ \d+$/);
      const late = m!.time.getTime() - Date.parse(JSON.parse(new TextDecoder().decode(m!.data)).time);
      oldest = Math.max(oldest, late);
    }
    const duplicates = [...effects.values()].filter((n) => n > 1).length;
    const deadLettered = (await hubJsm.streams.info(STREAMS.deadletter.name)).state.messages;
    reportFigures("leaf-outage-beyond-tolerance", {
      published: ids.length, arrived: arrived(ids), lost: ids.length - arrived(ids), duplicates, dead_lettered: deadLettered,
      tolerance: `${TOLERANCE_MS / 1000}s`, outage: `${((healed - cutAt) / 1000).toFixed(1)}s`, longest_wait: `${(oldest / 1000).toFixed(1)}s`,
      recovery: `${recovery.toFixed(1)}s`, time: secondsSince(started),
    });
    expect(oldest).toBeGreaterThan(TOLERANCE_MS);
    expect(rejected()).toEqual([]);
    expect(arrived(ids)).toBe(ids.length);
    expect(duplicates).toBe(0);
    expect(deadLettered).toBe(0);
    expect(info.state.messages).toBe(ids.length);
  });

  it("leaf outage - a captured message published again is refused: at the hub too old, at the leaf a duplicate or a foreign message id", async () => {
    const first = (await hubJsm.streams.info(STREAMS.coord.name)).state.first_seq;
    const id = (await hubJsm.streams.getMessage(STREAMS.coord.name, { seq: first }))!.header.get(HEADERS.msgId);
    const before = effects.get(id);
    expect(before).toBe(1);

    // Straight at the hub with a fresh message id (past JetStream's dedupe): no OUTBOX mark, older than the tolerance.
    const atHub = await publishAgain(await t.raw("mechelen", topo.hub.url), first, crypto.randomUUID());
    expect(atHub.duplicate).toBe(false);
    // At the leaf with its own message id: the OUTBOX's duplicate window drops it.
    const leafNc = await t.raw("mechelen", topo.leaves.get("local")!.server.url);
    const sameId = await publishAgain(leafNc, first);
    expect(sameId.duplicate).toBe(true);
    // At the leaf with a fresh message id: sourced (so fresh enough), but the id is not the envelope's.
    await publishAgain(leafNc, first, crypto.randomUUID());

    const refusals = await waitFor(() => (rejected().length >= 2 ? rejected() : undefined), { timeoutMs: 30_000, what: "both copies refused" });
    const byReason = Object.fromEntries(refusals.map((r) => [r.rejection.reason, r]));
    expect(byReason["clock-skew"]?.seq).toBe(atHub.seq);
    expect(byReason["msg-id-mismatch"]).toBeDefined();
    await waitFor(async () => (await hubJsm.streams.info(STREAMS.deadletter.name)).state.messages === 2, { timeoutMs: 15_000, what: "two dead letters" });
    expect(effects.get(id)).toBe(1);
    reportFigures("leaf-outage-replay", {
      replayed: 3, refused_clock_skew: refusals.filter((r) => r.rejection.reason === "clock-skew").length,
      refused_msg_id: refusals.filter((r) => r.rejection.reason === "msg-id-mismatch").length, dropped_duplicate: sameId.duplicate ? 1 : 0, effects: effects.get(id)!,
    });
  });
});
