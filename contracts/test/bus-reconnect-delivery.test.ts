/**
 * Delivery right after a reconnect, with the consumer's ack_wait as deployed (30 s): the server
 * still holds the pull requests the consumption made before, and delivered the first messages to
 * them — through the account import's mapping of the connection that was gone — so they came again
 * only after ack_wait. A running consumption now pulls on a new inbox after every reconnect, and
 * the first message arrives at once (read-stream.ts, `endOnReconnect`).
 */
import { describe, expect, it } from "vitest";
import type { NatsConnection } from "@nats-io/transport-node";
import { sampleData, STREAMS } from "@schakel/contracts";
import { sleep, waitFor } from "@schakel/harness";
import { transportOf } from "../src/bus/transport.ts";
import { fileBus } from "./helpers.ts";

const INBOX = "antwerpen--antwerpen";

/** Resolves at the connection's next reconnect. */
async function nextReconnect(nc: NatsConnection): Promise<void> {
  for await (const s of nc.status()) if (s.type === "reconnect") return;
}

describe("bus - delivery after a reconnect", () => {
  const t = fileBus({ ocam: "fed-ocam", antwerpen: "antwerpen" });

  it("bus - the first message after a reconnect reaches the running consumption at once, not after the consumer's ack_wait", async () => {
    const jsm = await t.s.jsm();
    expect((await jsm.consumers.info(STREAMS.coord.name, INBOX)).config.ack_wait).toBe(30e9);
    const handled = new Map<string, number>();
    const c = t.antwerpen.consume({ handlers: { "notice.posted": (d) => void handled.set(d.envelope.id, performance.now()) } });
    const notice = (title: string) => t.ocam.publish("notice.posted", { ...sampleData("notice.posted"), title }, { to: "antwerpen" });
    // An acknowledgement still on its way when a connection drops is lost with it (the message comes
    // again after ack_wait, then found processed): each reconnect here waits until the server has them all.
    const acknowledged = () => waitFor(async () => (await jsm.consumers.info(STREAMS.coord.name, INBOX)).num_ack_pending === 0, { timeoutMs: 10_000, what: "every delivered notice to be acknowledged" });
    const before = await notice("Before the reconnect");
    await waitFor(() => handled.has(before.id), { what: "the notice sent before the reconnect" });
    await acknowledged();

    const nc = transportOf(t.antwerpen).nc;
    // Right after the reconnect, and once everything has settled.
    for (const pause of [300, 2_000]) {
      const reconnected = nextReconnect(nc);
      await nc.reconnect();
      await reconnected;
      await sleep(pause);
      const sent = performance.now();
      const after = await notice(`${pause} ms after a reconnect`);
      await waitFor(() => handled.has(after.id), { timeoutMs: 10_000, what: `the notice sent ${pause} ms after a reconnect (before the fix: after ack_wait, 30 s)` });
      expect(handled.get(after.id)! - sent).toBeLessThan(10_000);
      // Nothing stranded at a pull of the gone connection (it would stay unacknowledged for ack_wait).
      await acknowledged();
    }
    await c.stop();
  });
});
