/**
 * The secured bus the harness starts: organisations connect through their bus client, and tests
 * that go below the bus on purpose get a raw connection that is still the organisation itself, and
 * the admin reads back what the bus stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstream } from "@nats-io/jetstream";
import { durableConsumersOf, inboxConsumers, sampleData, STREAMS } from "@schakel/contracts";
import { startSchakelServer, storedMessages, storedOfType, type SchakelServer } from "../src/mod.ts";

describe("harness - secured Schakel server", () => {
  let s: SchakelServer;
  beforeAll(async () => {
    s = await startSchakelServer();
  });
  afterAll(() => s?.cleanup());

  it("harness - rawAs connects as the organisation: its own consumers answer on its inbox, another's are refused", async () => {
    const js = jetstream(await s.rawAs("mechelen"));
    const own = inboxConsumers("mechelen", "local")[0]!;
    expect((await (await js.consumers.get(own.stream, own.name)).info()).name).toBe(own.name);
    await expect(js.consumers.get(STREAMS.coord.name, "gent--gent").then((c) => c.info())).rejects.toThrow(/permission|timeout|no responders/i);
  });

  it("harness - connectAs gives a connected bus client of that organisation", async () => {
    const bus = await s.connectAs("gent");
    expect(bus.org).toBe("gent");
    expect(bus.isClosed).toBe(false);
  });

  it("harness - storedOfType reads what the bus stored, of one type and optionally one sender, in stream order", async () => {
    const ocam = await s.connectAs("fed-ocam");
    const gent = await s.connectAs("gent");
    const first = await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    await gent.publish("notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam" });
    const second = await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "all" });
    const jsm = await s.jsm();
    const posted = await storedOfType(jsm, "notice.posted");
    expect(posted.map((m) => m.seq)).toEqual([first.seq, second.seq]);
    expect(posted.map((m) => [m.envelope.sender, m.envelope.audience])).toEqual([["fed-ocam", "mechelen"], ["fed-ocam", "all"]]);
    expect(await storedOfType(jsm, "notice.acknowledged", "fed-ocam")).toEqual([]);
    expect((await storedOfType(jsm, "notice.acknowledged", "gent")).map((m) => m.envelope.type)).toEqual(["notice.acknowledged"]);
    expect(await storedMessages(jsm, "coord.nobody.>")).toEqual([]);
    await expect(storedMessages(jsm, "coord.>", "NO-SUCH-STREAM")).rejects.toThrow();
  });

  it("harness - durable consumers wait 30 s for an acknowledgement, as deployed, unless a crash test asks for less", async () => {
    const ackWaits = async (server: SchakelServer): Promise<(number | undefined)[]> => {
      const jsm = await server.jsm();
      const vpr = server.registry.organisations.find((o) => o.id === "vpr")!;
      return Promise.all(durableConsumersOf(vpr).map(async (c) => (await jsm.consumers.info(c.stream, c.name)).config.ack_wait));
    };
    expect(new Set(await ackWaits(s))).toEqual(new Set([30e9]));
    await using short = await startSchakelServer({ ackWaitMs: 2_000 });
    expect(new Set(await ackWaits(short))).toEqual(new Set([2e9]));
  });
});
