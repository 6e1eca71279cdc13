import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { newMessageId, sampleData, type InputOf, type MessageType } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { ReadModel } from "../src/model/read-model.ts";
import { CHUNK_SIZE } from "../src/model/ledger.ts";
import { startFeedReader, type FeedReader } from "../src/ingest/feed-reader.ts";
import { percentile } from "../src/model/flows.ts";
import { noticeMatrix, openObligations } from "../src/model/notice-query.ts";
import { viewpointOf } from "../src/model/visibility.ts";
import { obligationsPage } from "../src/views/obligations.ts";
import { en } from "../src/i18n/en.ts";

let bus: SchakelServer;
let vpr: Bus;
let model: ReadModel;
let reader: FeedReader;

beforeAll(async () => {
  bus = await startSchakelServer();
  vpr = await bus.connectAs("vpr");
  model = new ReadModel(bus.directory);
  reader = startFeedReader({ bus: vpr, model });
  await reader.caughtUp;
});
afterAll(async () => {
  await reader?.stop();
  await bus?.cleanup();
});

describe("read model", () => {
  it("read model - ingests verified notices and receipts from the bus as the platform", async () => {
    const ocam = await bus.connectAs("fed-ocam");
    const mechelen = await bus.connectAs("mechelen");
    const noticeId = newMessageId();
    const data = { ...sampleData("notice.posted"), noticeId, recipients: ["mechelen"] };
    const posted = await ocam.publish("notice.posted", data, { to: "mechelen" });
    await mechelen.publish("notice.acknowledged", { noticeId, recipient: "mechelen", acknowledgedAt: new Date().toISOString() }, { to: "fed-ocam", inReplyTo: posted.envelope });
    await waitFor(() => model.notices.notices.get(noticeId)?.receipts.get("mechelen")?.acknowledgedAt !== undefined, { timeoutMs: 5_000, what: "ack in model" });
    expect(model.trace(posted.traceId).map((r) => r.type)).toEqual(["notice.posted", "notice.acknowledged"]);
  });

  it("read model - a receipt stored before its notice is kept and applied when the notice arrives", async () => {
    const local = new ReadModel(bus.directory);
    const ocam = await bus.connectAs("fed-ocam");
    const gent = await bus.connectAs("gent");
    const noticeId = newMessageId();
    let seq = 0;
    const put = <T extends MessageType>(sender: Bus, type: T, data: InputOf<T>, to: string, at: number) =>
      local.ingest(type, sender.prepare(type, data, { to }).envelope, { stream: "COORD", seq: ++seq, storedAt: at });
    const t0 = Date.now();
    put(gent, "notice.acknowledged", { noticeId, recipient: "gent", acknowledgedAt: new Date(t0).toISOString() }, "fed-ocam", t0 + 5_000);
    put(ocam, "notice.posted", { ...sampleData("notice.posted"), noticeId, recipients: ["local"], ackRequired: true, ackBy: new Date(t0 + 60_000).toISOString() }, "local", t0);
    const n = local.notices.notices.get(noticeId)!;
    // A notice to a group is owed by every member (the municipalities, their partners, the police zones), and never by its sender.
    expect(n.expected.sort()).toEqual(["antwerpen", "caw-mechelen", "clb-mechelen", "gent", "leuven", "mechelen", "pz-antwerpen", "pz-mechelen-willebroek", "vilvoorde", "willebroek"]);
    const platform = viewpointOf(bus.directory, "vpr");
    const rows = noticeMatrix(n, platform, t0 + 30_000);
    expect(rows.find((r) => r.org === "gent")?.state).toBe("acknowledged");
    expect(rows.filter((r) => r.state === "pending")).toHaveLength(9);
    // After the deadline, the nine missing acknowledgements are overdue, oldest obligation first.
    const later = noticeMatrix(n, platform, t0 + 120_000);
    expect(later.filter((r) => r.state === "overdue").map((r) => r.org).sort())
      .toEqual(["antwerpen", "caw-mechelen", "clb-mechelen", "leuven", "mechelen", "pz-antwerpen", "pz-mechelen-willebroek", "vilvoorde", "willebroek"]);
    expect(openObligations(local.notices, platform, t0 + 120_000).every((o) => o.overdue && o.owedTo === "fed-ocam")).toBe(true);
    // The same envelope read twice (a feed that resumed) is ingested once.
    const copy = ocam.prepare("knowledge.shared", sampleData("knowledge.shared"), { to: "all" }).envelope;
    expect(local.ingest("knowledge.shared", copy, { stream: "COORD", seq: 10, storedAt: t0 })).toBeDefined();
    expect(local.ingest("knowledge.shared", copy, { stream: "COORD", seq: 11, storedAt: t0 })).toBeUndefined();
  });

  it("read model - signal obligations: a neighbour's acknowledgement and a forwarded signal's acknowledgement and report are listed like notice obligations until closed", async () => {
    const local = new ReadModel(bus.directory);
    const [vilvoorde, mechelen, vprBus, police] = (await Promise.all(["vilvoorde", "mechelen", "vpr", "fed-police"].map((o) => bus.connectAs(o)))) as [Bus, Bus, Bus, Bus];
    let seq = 0;
    const put = <T extends MessageType>(sender: Bus, type: T, data: InputOf<T>, to: string, at: number, actor?: { person: string; role: "platform-coordinator" }) =>
      local.ingest(type, sender.prepare(type, data, { to, ...(actor ? { actor } : {}) }).envelope, { stream: "COORD", seq: ++seq, storedAt: at });
    const t0 = Date.now();
    const neighbourSignal = newMessageId();
    const forwarded = newMessageId();
    put(vilvoorde, "signal.raised", { ...sampleData("signal.raised"), signalId: neighbourSignal, title: "Tension at the border" }, "mechelen", t0);
    put(vilvoorde, "signal.raised", { ...sampleData("signal.raised"), signalId: forwarded }, "vpr", t0);
    const decision = { ...sampleData("signal.triaged"), signalId: forwarded, raisedBy: "vilvoorde", partner: "fed-police", acknowledgeBy: new Date(t0 + 1_000).toISOString(), reportBackBy: new Date(t0 + 60_000).toISOString() };
    for (const to of ["vilvoorde", "fed-police"]) put(vprBus, "signal.triaged", decision, to, t0 + 10, { person: "e.janssens", role: "platform-coordinator" });
    const platform = viewpointOf(bus.directory, "vpr");
    const owed = () => openObligations(local.notices, platform, t0 + 30_000).filter((o) => o.reference === neighbourSignal || o.reference === forwarded)
      .map((o) => [o.kind, o.reference === neighbourSignal ? "neighbour" : "forwarded", o.owedBy, o.owedTo, o.overdue]);
    expect(owed()).toEqual([
      ["signal-acknowledgement", "neighbour", "mechelen", "vilvoorde", false],
      ["signal-acknowledgement", "forwarded", "fed-police", "vpr", true],
      ["signal-report", "forwarded", "fed-police", "vpr", false],
    ]);
    // What mechelen sees: only its own.
    expect(openObligations(local.notices, viewpointOf(bus.directory, "mechelen"), t0).map((o) => o.reference)).toEqual([neighbourSignal]);
    const page = String(obligationsPage(openObligations(local.notices, platform, t0 + 30_000), 3, 1, { page: 1, pages: 1 }, [], bus.directory, en));
    expect(page).toContain("signal report-back");
    expect(page).toContain("Tension at the border");
    put(mechelen, "signal.acknowledged", { signalId: neighbourSignal, recipient: "mechelen", acknowledgedAt: new Date(t0).toISOString() }, "vilvoorde", t0 + 20);
    put(police, "signal.acknowledged", { signalId: forwarded, recipient: "fed-police", acknowledgedAt: new Date(t0).toISOString() }, "vpr", t0 + 20);
    expect(owed()).toEqual([["signal-report", "forwarded", "fed-police", "vpr", false]]);
    put(police, "signal.reported", { signalId: forwarded, partner: "fed-police", outcome: "Followed up.", reportedAt: new Date(t0).toISOString() }, "vpr", t0 + 30);
    expect(owed()).toEqual([]);
  });

  it("read model - with a window, old records leave in chunks; an owed notice stays until acknowledged, then leaves filed where it was posted", async () => {
    const bounded = new ReadModel(bus.directory, { window: 10 });
    const ocam = await bus.connectAs("fed-ocam");
    const mechelen = await bus.connectAs("mechelen");
    let seq = 0;
    const put = <T extends MessageType>(sender: Bus, type: T, data: InputOf<T>, to: string) =>
      bounded.ingest(type, sender.prepare(type, data, { to }).envelope, { stream: "COORD", seq: ++seq, storedAt: Date.now() });
    const owedId = newMessageId();
    const owed = put(ocam, "notice.posted", { ...sampleData("notice.posted"), noticeId: owedId, recipients: ["mechelen"], ackRequired: true, ackBy: new Date(Date.now() + 86_400_000).toISOString() }, "mechelen")!;
    const closedId = newMessageId();
    put(ocam, "notice.posted", { ...sampleData("notice.posted"), noticeId: closedId, recipients: ["mechelen"], ackRequired: false, ackBy: undefined }, "mechelen");
    const filler = () => put(ocam, "knowledge.shared", sampleData("knowledge.shared"), "all");
    while (bounded.size < CHUNK_SIZE + 10) filler();
    // The first chunk left: the closed notice with it, the owed one stays without its body.
    expect(bounded.firstInMemory).toBe(CHUNK_SIZE);
    expect(bounded.records).toHaveLength(10);
    expect(bounded.lookup(owed.id).records).toEqual([]);
    expect(bounded.notices.notices.get(closedId)).toBeUndefined();
    expect(bounded.notices.notices.get(owedId)).toMatchObject({ bodyLeft: true, body: "" });
    expect([...bounded.ledger[0]!.notices]).toEqual([1]);
    expect(openObligations(bounded.notices, viewpointOf(bus.directory, "vpr")).map((o) => o.reference)).toEqual([owedId]);
    // Acknowledged, it leaves with the next chunk, filed in the first chunk at its posting.
    put(mechelen, "notice.acknowledged", { noticeId: owedId, recipient: "mechelen", acknowledgedAt: new Date().toISOString() }, "fed-ocam");
    while (bounded.size < 2 * CHUNK_SIZE + 10) filler();
    expect(bounded.notices.notices.get(owedId)).toBeUndefined();
    expect([...bounded.ledger[0]!.notices]).toEqual([0, 1]);
    expect(bounded.notices.list).toHaveLength(0);
  });

  it("read model - latency percentiles take the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeUndefined();
  });
});
