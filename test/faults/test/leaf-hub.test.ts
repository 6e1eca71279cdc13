/**
 * Leaf nodes per level, configured from the registry: a municipality's signal published at the
 * "local" leaf reaches a federal liaison served by the "federal" leaf through the hub; the
 * signals the municipality published while its leaf was cut off from the hub (acknowledged by
 * the leaf's OUTBOX) arrive once the link is back; and the signals stored at the hub while the
 * liaison's own leaf was cut off reach it once that link is back (on nats-server before 2.9.22
 * the hub burns delivery attempts on the liaison's stale pull request: with a server-side
 * max_deliver they would be dropped). The cuts are real network cuts (a relay in the link is
 * severed); all servers keep running.
 */
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { LEAF, sampleData, STREAMS } from "@schakel/contracts";
import type { Bus, Consumption } from "@schakel/contracts/bus";
import { leafConnections, sleep, waitFor } from "@schakel/harness";
import { leavesPerLevel } from "@schakel/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFigures, secondsSince } from "../src/figures.ts";
import { prepareIdentities, type TestIdentities } from "../src/identities.ts";
import { startLeafTopology, type LeafTopology } from "../src/leaf-topology.ts";

const BATCH = 50;
let t: TestIdentities;
let topo: LeafTopology;
let mechelen: Bus;
let ocam: Bus;
let consumption: Consumption;
let hubJsm: JetStreamManager;
const effects = new Map<string, number>();

beforeAll(async () => {
  t = await prepareIdentities();
  const sites = leavesPerLevel(t.registry).filter((s) => s.name === "local" || s.name === "federal");
  topo = await startLeafTopology(t, sites);
  const local = topo.leaves.get("local")!.server;
  const federal = topo.leaves.get("federal")!.server;
  hubJsm = await jetstreamManager(await t.admin(topo.hub.url));
  mechelen = await t.bus("mechelen", local.url, { jetStreamDomain: LEAF.hubDomain });
  ocam = await t.bus("fed-ocam", federal.url, { jetStreamDomain: LEAF.hubDomain });
  consumption = ocam.consume({
    handlers: { "signal.raised": (d) => void effects.set(d.envelope.id, (effects.get(d.envelope.id) ?? 0) + 1) },
  });
});

afterAll(async () => {
  await consumption?.stop();
  await topo?.cleanup();
  await t?.cleanup();
});

async function publishSignals(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const ack = await mechelen.publish("signal.raised", sampleData("signal.raised"), { to: "federal" });
    expect(ack.stream).toBe(LEAF.outboxStream);
    ids.push(ack.id);
  }
  return ids;
}

const hubStored = async (): Promise<number> => (await hubJsm.streams.info(STREAMS.coord.name)).state.messages;
const arrived = (ids: string[]): number => ids.filter((id) => effects.has(id)).length;
/**
 * Waits until all of `ids` had their effect and returns how long that took after the link came
 * back. A delivery in flight when a link drops is repeated after the consumer's ack_wait (30 s).
 */
async function waitArrived(ids: string[], what: string): Promise<number> {
  const from = performance.now();
  await waitFor(() => arrived(ids) === ids.length, { timeoutMs: 60_000, intervalMs: 100, what: `${ids.length} signals ${what} at fed-ocam (have ${arrived(ids)})` });
  return (performance.now() - from) / 1000;
}

describe("leaf nodes", () => {
  it("leaf nodes - a municipality's message reaches a federal leaf through the hub, and what was published while a leaf was cut off arrives after it reconnects", async () => {
    const started = performance.now();
    const linked = await publishSignals(BATCH);
    await waitArrived(linked, "published over live links");

    // The municipality's leaf loses its link: publications are acknowledged by its OUTBOX.
    const local = topo.leaves.get("local")!;
    local.link.cut();
    await topo.waitForLinks(["federal"]);
    const whileLocalCut = await publishSignals(BATCH);
    await sleep(1_000);
    expect(arrived(whileLocalCut)).toBe(0);
    local.link.restore();
    await topo.waitForLinks(["local", "federal"]);
    const localRecovery = await waitArrived(whileLocalCut, "published at a cut-off leaf");

    // The liaison's leaf loses its link: the hub stores what the municipality publishes meanwhile.
    const federal = topo.leaves.get("federal")!;
    federal.link.cut();
    await topo.waitForLinks(["local"]);
    const whileFederalCut = await publishSignals(BATCH);
    await waitFor(async () => (await hubStored()) === 3 * BATCH, { timeoutMs: 15_000, what: "the signals to be stored at the hub" });
    expect(arrived(whileFederalCut)).toBe(0);
    federal.link.restore();
    await topo.waitForLinks(["local", "federal"]);
    const federalRecovery = await waitArrived(whileFederalCut, "stored while the receiving leaf was cut off");

    const all = [...linked, ...whileLocalCut, ...whileFederalCut];
    const duplicates = [...effects.values()].filter((n) => n > 1).length;
    const stored = await hubStored();
    // Deliveries the hub made to the liaison's inbox: more than the signals when it delivered to the
    // pull request left behind by the cut link (the attempts a server-side max_deliver would count).
    const inbox = await hubJsm.consumers.info(STREAMS.coord.name, "fed-ocam--federal");
    reportFigures("leaf-cut-off", {
      published: all.length, arrived: arrived(all), lost: all.length - arrived(all), duplicates, hub_stored: stored,
      links: await leafConnections(topo.hub), recovery_publisher_leaf: `${localRecovery.toFixed(1)}s`,
      recovery_consumer_leaf: `${federalRecovery.toFixed(1)}s`, hub_deliveries: inbox.delivered.consumer_seq, time: secondsSince(started),
    });
    expect(arrived(all)).toBe(all.length);
    expect(duplicates).toBe(0);
    // Each publication is stored once at the hub: by sourcing, never also over the link.
    expect(stored).toBe(all.length);
  });

  it("leaf nodes - a leaf's organisation cannot read another organisation's consumer through its link", async () => {
    // fed-ocam's own credentials on its leaf, with the hub's JetStream domain, like its bus client.
    const js = jetstream(await t.raw("fed-ocam", topo.leaves.get("federal")!.server.url), { domain: LEAF.hubDomain });
    await expect(js.consumers.get(STREAMS.coord.name, "antwerpen--antwerpen").then((c) => c.info())).rejects.toThrow(/permission|timeout|no responders/i);
  });
});
