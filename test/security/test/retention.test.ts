/**
 * What the streams keep, and for how long: case messages expire after their own (shorter,
 * configurable) retention while coordination stays; nothing can be deleted or purged — the
 * streams refuse it even to the admin, and no organisation has the API at all (abuse matrix);
 * case-confidential content on a coordination subject is refused; and a payload over the
 * server's max_payload fails at publish with a clear error, with nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog, sampleData, STREAMS } from "@schakel/contracts";
import { seal, type ConsumeEvent } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { DEFAULT_RETENTION } from "@schakel/infra";

// A duplicate window may not exceed the shortest max_age, so this test shrinks both.
const CASE_SECONDS = 3;
const MAX_PAYLOAD = 16 * 1024;

const count = async (s: SchakelServer, stream: string) => (await (await s.jsm()).streams.info(stream)).state.messages;

describe("retention - per classification, and no deletion", () => {
  let s: SchakelServer;
  beforeAll(async () => {
    s = await startSchakelServer({ retention: { ...DEFAULT_RETENTION, caseDays: CASE_SECONDS / 86_400, duplicateWindowMinutes: 2 / 60 }, server: { maxPayload: MAX_PAYLOAD } });
  });
  afterAll(() => s?.cleanup());

  it("retention - a case message expires after the case retention; coordination of the same moment stays", async () => {
    const jsm = await s.jsm();
    expect((await jsm.streams.info(STREAMS.case.name)).config.max_age).toBe(CASE_SECONDS * 1e9);
    expect((await jsm.streams.info(STREAMS.coord.name)).config.max_age).toBe(DEFAULT_RETENTION.coordDays * 86_400e9);
    const antwerpen = await s.connectAs("antwerpen");
    const coordBefore = await count(s, STREAMS.coord.name);
    const sealed = seal({ question: "Known to your service?" }, [{ org: "mechelen", key: s.directory.sealingKeyOf("mechelen") }]);
    await antwerpen.publish("case.consultation.requested", sampleData("case.consultation.requested", sealed), { to: "mechelen" });
    await antwerpen.publish("signal.raised", sampleData("signal.raised"), { to: "vpr" });
    expect(await count(s, STREAMS.case.name)).toBe(1);
    const started = Date.now();
    await waitFor(async () => (await count(s, STREAMS.case.name)) === 0, { timeoutMs: CASE_SECONDS * 1000 + 5_000, intervalMs: 200, what: "the case message to expire" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(CASE_SECONDS * 1000 - 1_000);
    expect(await count(s, STREAMS.coord.name)).toBe(coordBefore + 1);
  });

  it("retention - the streams refuse message deletion and purge even to the admin", async () => {
    const jsm = await s.jsm();
    const info = await jsm.streams.info(STREAMS.coord.name);
    expect(info.config.deny_delete && info.config.deny_purge).toBe(true);
    await expect(jsm.streams.deleteMessage(STREAMS.coord.name, info.state.last_seq)).rejects.toThrow(/delete/i);
    await expect(jsm.streams.purge(STREAMS.coord.name)).rejects.toThrow(/purge/i);
    expect((await jsm.streams.info(STREAMS.coord.name)).state.messages).toBe(info.state.messages);
  });

  it("retention - case-confidential content sent on a coordination subject is refused by the receiver", async () => {
    const events: ConsumeEvent[] = [];
    const receiver = await s.connectAs("vpr");
    const c = receiver.consume({ handlers: { "signal.raised": () => {} }, onEvent: (e) => void events.push(e), consumers: [{ stream: STREAMS.coord.name, name: "vpr--vpr", filter: "coord.vpr.>" }] });
    const sent = await (await s.connectAs("gent")).publish("signal.raised", sampleData("signal.raised"), { to: "vpr", classification: "case-confidential" });
    await waitFor(() => events.find((e) => e.kind === "rejected" && e.seq === sent.seq), { what: "the refusal" });
    await c.stop();
    const r = events.find((e) => e.kind === "rejected" && e.seq === sent.seq);
    expect(r && r.kind === "rejected" && r.rejection.reason).toBe("case-content-in-clear");
    expect(catalog["case.consultation.requested"].classification).toBe("case-confidential");
  });

  it("oversize - a payload over max_payload fails at publish with a clear error, and nothing is stored", async () => {
    const ocam = await s.connectAs("fed-ocam");
    const before = await count(s, STREAMS.coord.name);
    const big = { ...sampleData("notice.posted"), body: "x".repeat(MAX_PAYLOAD + 1_000) };
    const err = await ocam.publish("notice.posted", big, { to: "mechelen" }).then(() => undefined, (e: Error & { code?: string }) => e);
    expect(err?.code).toBe("payload-too-large");
    expect(err?.message).toMatch(/max_payload of 16384 bytes/);
    expect(err?.message).toMatch(/notice\.posted to "mechelen"/);
    // The raw client refuses it too, before anything reaches the server.
    const raw = await s.rawAs("fed-ocam");
    expect(() => raw.publish("coord.mechelen.fed-ocam.notice.posted", new Uint8Array(MAX_PAYLOAD + 1))).toThrow(/max_payload|payload/i);
    expect(raw.isClosed()).toBe(false);
    // Just under the limit is stored: the limit is the server's, not an arbitrary one.
    await ocam.publish("notice.posted", { ...sampleData("notice.posted"), body: "y".repeat(MAX_PAYLOAD - 2_500) }, { to: "mechelen" });
    expect(await count(s, STREAMS.coord.name)).toBe(before + 1);
  });
});
