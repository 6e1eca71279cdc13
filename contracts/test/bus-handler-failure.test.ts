/**
 * A handler that always throws: its message is tried exactly 5 times (the bus client's default) with backoff,
 * then filed in DEADLETTER as handler-failed, and the other messages keep reaching the handler
 * meanwhile. (The backoff 200+400+800+1600 ms makes this take about three seconds.)
 */
import { describe, expect, it } from "vitest";
import { deadLetterSubject, sampleData, STREAMS } from "@schakel/contracts";
import type { ConsumeEvent } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { fileBus, waitForDeadLetters, waitForDrained } from "./helpers.ts";

const POISON = "Poison request that the handler cannot take";

describe("bus - a handler that keeps failing", () => {
  const t = fileBus({ police: "fed-police", mechelen: "mechelen" });

  it("bus - exactly 5 attempts, then dead-lettered as handler-failed, while other messages keep flowing", async () => {
    const jsm = await t.s.jsm();
    // The inbox has no server-side max_deliver (see attempts.ts): the bus client gives up after 5.
    expect((await jsm.consumers.info(STREAMS.coord.name, "mechelen--mechelen")).config.max_deliver).toBe(-1);
    const maxDeliver = 5;
    const poisonAttempts: number[] = [];
    const handled: string[] = [];
    const events: ConsumeEvent[] = [];
    const c = t.mechelen.consume({
      onEvent: (e) => events.push(e),
      handlers: {
        "coordination.requested": (d) => {
          if (d.data.topic === POISON) {
            poisonAttempts.push(d.deliveryCount);
            throw new Error("the case system refused the request");
          }
          handled.push(d.envelope.id);
        },
      },
    });
    const request = (topic: string) => t.police.publish("coordination.requested", { ...sampleData("coordination.requested"), topic }, { to: "mechelen" });
    const poison = await request(POISON);
    // One healthy request per failed attempt, each sent while the poison message waits for its retry.
    const healthy: string[] = [];
    for (let attempt = 1; attempt <= maxDeliver; attempt++) {
      await waitFor(() => poisonAttempts.length >= attempt, { what: `poison attempt ${attempt}` });
      const sent = await request(`Healthy request ${attempt}`);
      healthy.push(sent.id);
      await waitFor(() => handled.includes(sent.id), { what: `healthy request ${attempt} to be handled` });
    }
    const [record] = await waitForDeadLetters(jsm, 1);
    // Nothing left to deliver: no sixth attempt can come.
    await waitForDrained(jsm, STREAMS.coord.name, "mechelen--mechelen");
    await c.stop();

    expect(poisonAttempts).toEqual([1, 2, 3, 4, 5]);
    expect(handled).toEqual(healthy);
    expect(record).toMatchObject({ reason: "handler-failed", subject: deadLetterSubject("mechelen", "handler-failed"), sourceSeq: poison.seq, consumer: "mechelen--mechelen" });
    expect(record!.detail).toContain("failed 5 times; last error: the case system refused the request");
    expect(JSON.parse(record!.body).id).toBe(poison.id);
    const retries = events.filter((e) => e.kind === "retry");
    expect(retries.map((e) => e.kind === "retry" && e.attempt)).toEqual([1, 2, 3, 4]);
    expect(events.filter((e) => e.kind === "rejected").map((e) => e.kind === "rejected" && e.filed)).toEqual([true]);
  });
});
