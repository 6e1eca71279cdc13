/**
 * Acknowledgements leave in batches (ack-batch.ts): every handled message is still acknowledged,
 * without waiting for more traffic or for stop(), each one once, and only after its handler ran.
 */
import { describe, expect, it } from "vitest";
import { sampleData, STREAMS } from "@schakel/contracts";
import type { ConsumeEvent } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { fileBus, waitForDrained } from "./helpers.ts";

const INBOX = "mechelen--mechelen";

describe("bus - batched acknowledgements", () => {
  const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen" });

  it("bus - a burst of 300 messages (several batches of acks) is acknowledged in full while the consumption runs", async () => {
    const jsm = await t.s.jsm();
    const ids = await Promise.all(
      Array.from({ length: 300 }, (_, i) => t.ocam.publish("notice.posted", { ...sampleData("notice.posted"), title: `Burst ${i}` }, { to: "mechelen" }).then((p) => p.id)),
    );
    const handled: string[] = [];
    const events: ConsumeEvent[] = [];
    const c = t.mechelen.consume({ handlers: { "notice.posted": (d) => void handled.push(d.envelope.id) }, onEvent: (e) => events.push(e) });
    // Drained while still consuming: the last acks went out without a later message or stop().
    await waitForDrained(jsm, STREAMS.coord.name, INBOX);
    const info = await jsm.consumers.info(STREAMS.coord.name, INBOX);
    expect(info.num_redelivered).toBe(0);
    await c.stop();
    expect(handled.sort()).toEqual([...ids].sort());
    expect(events.filter((e) => e.kind !== "processed")).toEqual([]);
  });

  it("bus - a single message is acknowledged on its own, and a slow handler's message only after the handler finished", async () => {
    const jsm = await t.s.jsm();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered = false;
    const c = t.mechelen.consume({
      handlers: {
        "notice.posted": async () => {
          entered = true;
          await held;
        },
      },
    });
    await t.ocam.publish("notice.posted", { ...sampleData("notice.posted"), title: "One alone" }, { to: "mechelen" });
    await waitFor(() => entered, { what: "the handler to start" });
    // While the handler runs the message stays unacknowledged.
    await new Promise((r) => setTimeout(r, 200));
    expect((await jsm.consumers.info(STREAMS.coord.name, INBOX)).num_ack_pending).toBe(1);
    release();
    await waitForDrained(jsm, STREAMS.coord.name, INBOX);
    await c.stop();
  });
});
