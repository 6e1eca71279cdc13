/**
 * The consumer loop over its lifetime: it rides out a broker crash and restart without being
 * restarted itself, and stop() is clean — the message in hand is finished and acknowledged, and
 * what arrives afterwards is left for the next consumption instead of being taken and stranded.
 */
import { describe, expect, it } from "vitest";
import { sampleData, STREAMS } from "@schakel/contracts";
import type { ConsumeEvent, Published } from "@schakel/contracts/bus";
import { sleep, waitFor } from "@schakel/harness";
import { fileBus, waitForDrained } from "./helpers.ts";

const INBOX = "mechelen--mechelen";

describe("bus - consumer lifecycle", () => {
  const t = fileBus({ ocam: ["fed-ocam", { timeoutMs: 2_000 }], mechelen: "mechelen" });

  /** Publishes a notice to Mechelen, retrying with the same bytes until JetStream acknowledges it. */
  async function notice(title: string): Promise<Published> {
    const out = t.ocam.prepare("notice.posted", { ...sampleData("notice.posted"), title }, { to: "mechelen" });
    return waitFor(() => t.ocam.send(out), { timeoutMs: 30_000, intervalMs: 200, what: `"${title}" to be acknowledged` });
  }

  it("bus - a running consumption keeps delivering after the server is killed and restarted", async () => {
    // nats-server 2.9 persists a consumer's acks asynchronously: an ack sent just before SIGKILL can
    // be lost, and that message comes back after ack_wait. Shortened here (30 s in production) so the
    // test sees the redelivery, which the processed store must turn into a duplicate, not a second run.
    const jsm = await t.s.jsm();
    const { config } = await jsm.consumers.info(STREAMS.coord.name, INBOX);
    await jsm.consumers.update(STREAMS.coord.name, INBOX, { ack_wait: 2e9 });
    const handled: string[] = [];
    const events: ConsumeEvent[] = [];
    const c = t.mechelen.consume({ handlers: { "notice.posted": (d) => void handled.push(d.envelope.id) }, onEvent: (e) => events.push(e) });
    const before = await notice("Before the crash");
    await waitFor(() => handled.includes(before.id), { what: "the notice sent before the crash" });
    await t.s.server.kill9();
    await sleep(300);
    await t.s.server.restart();
    const after = await notice("After the restart");
    await waitFor(() => handled.includes(after.id), { timeoutMs: 30_000, what: "the notice sent after the restart, on the same consumption" });
    await waitForDrained(jsm, STREAMS.coord.name, INBOX, 30_000);
    await c.stop();
    await jsm.consumers.update(STREAMS.coord.name, INBOX, { ack_wait: config.ack_wait });
    expect(handled).toEqual([before.id, after.id]);
    const duplicates = events.filter((e) => e.kind === "duplicate").map((e) => e.kind === "duplicate" && e.id);
    expect(duplicates.every((id) => id === before.id)).toBe(true);
    console.info(`consumer after SIGKILL: ${duplicates.length} redelivery of an acknowledged message recognised as duplicate`);
  });

  it("bus - stop() finishes and acknowledges the message in hand, and leaves later messages for the next consumption", async () => {
    const jsm = await t.s.jsm();
    let release!: () => void;
    const inHand = new Promise<void>((r) => (release = r));
    const handled: string[] = [];
    let started = false;
    const c = t.mechelen.consume({
      handlers: {
        "notice.posted": async (d) => {
          started = true;
          await inHand;
          handled.push(d.envelope.id);
        },
      },
    });
    const slow = await notice("Handled while stopping");
    await waitFor(() => started, { what: "the handler to start" });
    const stopping = c.stop();
    release();
    await stopping;
    await c.closed;
    expect(handled).toEqual([slow.id]);
    await waitForDrained(jsm, STREAMS.coord.name, INBOX);

    // Nobody consumes now: the next notice must stay pending, not be handed to a pull of the stopped consumption.
    const later = await notice("Sent after stop");
    await waitFor(async () => (await jsm.consumers.info(STREAMS.coord.name, INBOX)).num_pending === 1, { what: "the later notice to be pending" });
    const info = await jsm.consumers.info(STREAMS.coord.name, INBOX);
    expect(info.num_ack_pending).toBe(0);
    const next: string[] = [];
    const again = t.mechelen.consume({ handlers: { "notice.posted": (d) => void next.push(d.envelope.id) } });
    await waitFor(() => next.includes(later.id), { what: "the next consumption to get the later notice" });
    await again.stop();
    await again.stop();
    expect(next).toEqual([later.id]);
  });
});
