/**
 * A message that keeps coming back without ever being acknowledged (a handler that stops its
 * process, or a link that keeps dropping) is filed as unreadable once its delivery count passes
 * the consumer's redelivery limit, without running its handler again; the inbox has no
 * server-side max_deliver that would drop it unseen.
 */
import { describe, expect, it } from "vitest";
import { jetstream } from "@nats-io/jetstream";
import { sampleData, STREAMS } from "@schakel/contracts";
import type { ConsumeEvent } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { fileBus, waitForDeadLetters, waitForDrained } from "./helpers.ts";

describe("bus - redelivery limit", () => {
  const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen" });

  it("bus - a message delivered more often than the limit without an acknowledgement is filed as unreadable, its handler not run", async () => {
    const { s } = t;
    const jsm = await s.jsm();
    const sent = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    // Three deliveries that end without an acknowledgement, as three crashed attempts would.
    const inbox = await jetstream(await s.admin()).consumers.get(STREAMS.coord.name, "mechelen--mechelen");
    for (let delivery = 1; delivery <= 3; delivery++) {
      const m = await inbox.next({ expires: 5_000 });
      expect(m?.seq).toBe(sent.seq);
      expect(m?.info.deliveryCount).toBe(delivery);
      m!.nak();
    }
    const handled: string[] = [];
    const events: ConsumeEvent[] = [];
    const c = t.mechelen.consume({ redeliveryLimit: 3, onEvent: (e) => events.push(e), handlers: { "notice.posted": (d) => void handled.push(d.envelope.id) } });
    const [record] = await waitForDeadLetters(jsm, 1);
    await waitForDrained(jsm, STREAMS.coord.name, "mechelen--mechelen");
    await waitFor(() => events.some((e) => e.kind === "rejected"), { what: "the rejection event" });
    await c.stop();
    expect(handled).toEqual([]);
    expect(record).toMatchObject({ reason: "unreadable", sourceSeq: sent.seq, consumer: "mechelen--mechelen" });
    expect(record!.detail).toContain("delivered 4 times without an acknowledgement");
  });
});
