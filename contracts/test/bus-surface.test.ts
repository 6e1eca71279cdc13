/**
 * The bus's own operations, instead of its NATS connection: what it is connected to, how far an
 * organisation's durable is behind, what happens to the connection, a crash-style close, and
 * following typed records. Each runs against a real, secured server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { orgStateBucket, sampleData, STREAMS } from "@schakel/contracts";
import { openBucket, RecordBucket, watchRecords, watchReachability, type Bus, type ConnectionEvent, type RecordChange } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";

const MAX_PAYLOAD = 256 * 1024;
const INBOX = { stream: STREAMS.coord.name, name: "mechelen--mechelen" };

describe("bus - operations instead of the transport", () => {
  let s: SchakelServer;
  let ocam: Bus;
  let mechelen: Bus;

  beforeAll(async () => {
    s = await startSchakelServer({ server: { maxPayload: MAX_PAYLOAD } });
    ocam = await s.connectAs("fed-ocam");
    mechelen = await s.connectAs("mechelen");
  });
  afterAll(() => s?.cleanup());

  it("bus - says which server it uses, its own client id and the server's max payload", async () => {
    expect(mechelen.server).toBe(`127.0.0.1:${s.server.port}`);
    expect(mechelen.maxPayload).toBe(MAX_PAYLOAD);
    expect(mechelen.clientId).toEqual(expect.any(Number));
    expect(mechelen.clientId).not.toBe(ocam.clientId);
    expect(mechelen.isClosed).toBe(false);
  });

  it("bus - consumerBacklog counts what waits for the organisation's own durable and refuses another's", async () => {
    const before = await mechelen.consumerBacklog(INBOX);
    for (let i = 0; i < 3; i++) await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const after = await waitFor(async () => {
      const b = await mechelen.consumerBacklog(INBOX);
      return b.pending === before.pending + 3 ? b : undefined;
    }, { what: "three more notices pending for mechelen" });
    expect(after.unacknowledged).toBe(0);
    const gent = await s.connectAs("gent");
    await expect(gent.consumerBacklog(INBOX)).rejects.toThrow();
  });

  it("bus - kill closes at once, as a crash: closed() resolves without an error", async () => {
    const gent = await s.connectAs("gent");
    const closed = gent.closed();
    await gent.kill();
    expect(gent.isClosed).toBe(true);
    expect(await closed).toBeUndefined();
  });

  it("records - watchRecords gives the current records, then writes, removals and invalid values of its kind only", async () => {
    const kv = await openBucket(mechelen, orgStateBucket("mechelen"));
    const counters = new RecordBucket(kv, z.object({ n: z.number() }), "counter", "surface-test");
    await counters.put("a", { n: 1 });
    const watch = await watchRecords(counters);
    const seen: RecordChange<{ n: number }>[] = [];
    const following = (async () => {
      for await (const change of watch) seen.push(change);
    })();
    await waitFor(() => seen.length === 1, { what: "the record already stored" });
    await counters.put("b", { n: 2 });
    await kv.put("other.x", "1"); // another kind of record in the same bucket
    await kv.delete("surface-test.a");
    await kv.put("surface-test.c", "not json");
    await waitFor(() => seen.length === 4, { what: "three changes" });
    watch.stop();
    await following;
    expect(seen.map((c) => [c.kind, c.key])).toEqual([["written", "a"], ["written", "b"], ["removed", "a"], ["invalid", "c"]]);
    expect(seen[1]).toMatchObject({ value: { n: 2 }, revision: expect.any(Number) });
    expect(seen[3]).toMatchObject({ error: { message: expect.stringContaining('counter record "c" is invalid') } });
  });

  // The client's own key listing, with these writes, named 396 keys of 300 and missed up to 65.
  it("records - keys and list name each record once, also while records are updated during the listing", async () => {
    const kv = await openBucket(mechelen, orgStateBucket("mechelen"));
    const items = new RecordBucket(kv, z.object({ n: z.number() }), "item", "listing-test");
    const names = Array.from({ length: 300 }, (_, i) => `k${i}`);
    await Promise.all(names.map((k) => items.put(k, { n: 0 })));
    let writing = true;
    const writer = (async () => {
      for (let n = 1; writing; n++) await Promise.all(names.slice(0, 100).map((k) => items.put(k, { n })));
    })();
    try {
      for (let round = 0; round < 5; round++) {
        expect((await items.keys()).sort(), `round ${round}`).toEqual([...names].sort());
        expect((await items.list()).map((r) => r.key).sort(), `round ${round}`).toEqual([...names].sort());
      }
    } finally {
      writing = false;
      await writer;
    }
  });

  // Last: it restarts the server, so no test after it inherits a server that may still be settling.
  it("bus - connectionEvents and watchReachability report a server that went away and came back", async () => {
    const events: ConnectionEvent[] = [];
    void (async () => {
      for await (const e of mechelen.connectionEvents()) events.push(e);
    })();
    const outages: string[] = [];
    let downMs = 0;
    const watch = watchReachability(mechelen, { lost: () => outages.push("lost"), back: (ms) => (outages.push("back"), (downMs = ms)) });
    await s.server.stop();
    await waitFor(() => watch.down, { what: "the bus to be reported lost" });
    await s.server.restart();
    await waitFor(() => !watch.down, { timeoutMs: 20_000, what: "the bus to be reported back" });
    watch.stop();
    expect(outages).toEqual(["lost", "back"]);
    expect(downMs).toBeGreaterThan(0);
    expect(events.map((e) => e.kind)).toContain("disconnected");
    expect(events.find((e) => e.kind === "reconnected")).toEqual({ kind: "reconnected", server: `127.0.0.1:${s.server.port}` });
    // Publishing works again on the same bus.
    await waitFor(async () => (await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" }).then(() => true, () => false)), { timeoutMs: 20_000, what: "a publication after the restart" });
  });
});
