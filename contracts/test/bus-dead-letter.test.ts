/**
 * Filing refused messages when the DEADLETTER stream does not take them: the message is never
 * terminated without its record. It comes back and is filed later; on a consumer with a
 * server-side max_deliver, on its last delivery (where a nak would never come back) the filing is
 * retried in place.
 */
import { jetstream, type JetStreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageSubject, sampleData, STREAMS } from "@schakel/contracts";
import { encodeSignature, HEADERS, signingBytes, type Bus, type ConsumeEvent } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { deadLetters, waitForDrained } from "./helpers.ts";

/** Makes DEADLETTER refuse every record (max_msg_size 1 byte), or take them again. */
async function deadLetterStreamRefuses(jsm: JetStreamManager, refuse: boolean, normalMaxMsgSize: number): Promise<void> {
  const { config } = await jsm.streams.info(STREAMS.deadletter.name);
  await jsm.streams.update(STREAMS.deadletter.name, { ...config, max_msg_size: refuse ? 1 : normalMaxMsgSize });
}

const filingFailures = (events: ConsumeEvent[]) => events.filter((e) => e.kind === "consumer-error" && e.error.includes("could not file")).length;

describe("bus - dead letters when the DEADLETTER stream refuses", () => {
  let s: SchakelServer;
  let ocam: Bus;
  let mechelen: Bus;
  let refuse: (on: boolean) => Promise<void>;
  beforeAll(async () => {
    s = await startSchakelServer();
    const jsm = await s.jsm();
    const normal = (await jsm.streams.info(STREAMS.deadletter.name)).config.max_msg_size;
    refuse = (on) => deadLetterStreamRefuses(jsm, on, normal);
    ocam = await s.connectAs("fed-ocam");
    mechelen = await s.connectAs("mechelen");
  });
  afterAll(() => s?.cleanup());

  /**
   * Consumes as Mechelen with a handler that always fails, and publishes one message to it; from
   * the fourth attempt on, DEADLETTER refuses records, so filing after the fifth attempt fails.
   */
  async function failingUntilFiled() {
    const attempts: number[] = [];
    const events: ConsumeEvent[] = [];
    const c = mechelen.consume({
      onEvent: (e) => events.push(e),
      handlers: {
        "knowledge.shared": (d) => {
          attempts.push(d.deliveryCount);
          if (d.deliveryCount === 4) return refuse(true).then(() => Promise.reject(new Error("still failing")));
          throw new Error("still failing");
        },
      },
    });
    const vvsg = await s.connectAs("vvsg");
    const sent = await vvsg.publish("knowledge.shared", sampleData("knowledge.shared"), { to: "mechelen" });
    return { attempts, events, c, sent };
  }

  it("bus - a refused message whose record was not taken is redelivered and filed once the stream takes it", async () => {
    const jsm = await s.jsm();
    await refuse(true);
    const events: ConsumeEvent[] = [];
    const c = mechelen.consume({ handlers: {}, onEvent: (e) => events.push(e) });
    // A message with a forged signature: refused on its first delivery.
    const out = ocam.prepare("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const h = natsHeaders();
    h.set(HEADERS.signature, encodeSignature(ocam.identity.sign(signingBytes(out.subject, new TextEncoder().encode("other bytes")))));
    const forged = await jetstream(await s.rawAs("fed-ocam")).publish(out.subject, out.body, { headers: h, msgID: out.envelope.id });
    await waitFor(() => filingFailures(events) >= 1, { what: "the first filing to fail" });
    expect(await deadLetters(jsm)).toEqual([]);
    await refuse(false);
    // It was not terminated: it comes back (nak with delay) and is filed now.
    const record = await waitFor(async () => (await deadLetters(jsm)).find((r) => r.sourceSeq === forged.seq), { what: "the forged message to be filed" });
    await waitForDrained(jsm, STREAMS.coord.name, "mechelen--mechelen");
    await c.stop();
    expect(record).toMatchObject({ reason: "forged", sourceSubject: messageSubject("notice.posted", "mechelen", "fed-ocam") });
    expect(events.filter((e) => e.kind === "rejected").map((e) => e.kind === "rejected" && e.filed)).toEqual([false, true]);
  });

  it("bus - a message that used up its attempts and could not be filed comes back and is filed, without running its handler again", async () => {
    const jsm = await s.jsm();
    const before = (await deadLetters(jsm)).length;
    const { attempts, events, c, sent } = await failingUntilFiled();
    await waitFor(() => filingFailures(events) >= 1, { timeoutMs: 20_000, what: "the filing after the fifth attempt to fail" });
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect((await deadLetters(jsm)).slice(before)).toEqual([]);
    await refuse(false);
    await waitFor(() => events.some((e) => e.kind === "rejected" && e.filed), { timeoutMs: 20_000, what: "the record to be filed" });
    await waitForDrained(jsm, STREAMS.coord.name, "mechelen--mechelen");
    await c.stop();
    const records = (await deadLetters(jsm)).slice(before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ reason: "handler-failed", sourceSeq: sent.seq });
    expect(records[0]!.detail).toContain("failed 5 times; last error: still failing");
    // The sixth delivery was filed straight away: the handler ran five times, no more.
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
  });

  it("bus - with a server-side max_deliver (an older layout), a failed filing on the last delivery is retried in place", async () => {
    const jsm = await s.jsm();
    const { config } = await jsm.consumers.info(STREAMS.coord.name, "mechelen--mechelen");
    await jsm.consumers.update(STREAMS.coord.name, "mechelen--mechelen", { ...config, max_deliver: 5 });
    const before = (await deadLetters(jsm)).length;
    const { attempts, events, c, sent } = await failingUntilFiled();
    // Attempt 5 fails, filing fails: a nak would never come back, so the consumer keeps the message and keeps trying to file it.
    await waitFor(() => filingFailures(events) >= 3, { timeoutMs: 20_000, what: "repeated filing attempts on the last delivery" });
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(events.some((e) => e.kind === "rejected")).toBe(false);
    await refuse(false);
    await waitFor(() => events.some((e) => e.kind === "rejected" && e.filed), { what: "the record to be filed" });
    await waitForDrained(jsm, STREAMS.coord.name, "mechelen--mechelen");
    await c.stop();
    await jsm.consumers.update(STREAMS.coord.name, "mechelen--mechelen", config);
    const records = (await deadLetters(jsm)).slice(before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ reason: "handler-failed", sourceSeq: sent.seq });
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
  });
});
