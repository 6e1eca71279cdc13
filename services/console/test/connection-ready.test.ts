/**
 * After an outage, the console's connection for an organisation may come back seconds after the
 * banner is gone: an action waits for it instead of timing out halfway, and is refused before
 * anything is sent when it does not come back in time. A real nats-server, stopped and restarted.
 */
import { afterAll, describe, expect, it } from "vitest";
import { sampleData } from "@schakel/contracts";
import { watchReachability } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { connectionReady } from "../src/post/connection-ready.ts";

let s: SchakelServer | undefined;
afterAll(async () => {
  await s?.cleanup();
});

describe("console connection ready", () => {
  it("connection ready - at once while connected; after a loss refused when not back in time, and let through once reconnected", async () => {
    s = await startSchakelServer();
    const bus = await s.connectAs("fed-ocam");
    const quick = connectionReady(bus, "fed-ocam", 400);
    const patient = connectionReady(bus, "fed-ocam", 30_000);
    const seen = watchReachability(bus, {});
    try {
      await quick.ready();

      await s.server.stop();
      await waitFor(() => seen.down, { what: "the connection to notice the outage" });
      const refused = await quick.ready().then(() => undefined, (err: unknown) => err);
      expect(refused).toMatchObject({ code: "unreachable", retryable: true, details: { org: "fed-ocam" } });
      expect((refused as Error).message).toBe("the console's connection for fed-ocam has not reached the bus again within 0.4 s; nothing was sent: try again in a moment");

      let through = false;
      const waiting = patient.ready().then(() => (through = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(through).toBe(false);
      await s.server.restart();
      await waiting;
      expect(seen.down).toBe(false);
      // Once let through, the action is taken on a connected bus: its publication is stored.
      const notice = { ...sampleData("notice.posted"), recipients: ["mechelen"], ackRequired: false };
      const sent = await bus.publish("notice.posted", notice, { to: "mechelen" });
      expect(sent.seq).toBeGreaterThan(0);
      await quick.ready();
    } finally {
      quick.stop();
      patient.stop();
      seen.stop();
      await bus.close();
    }
  });
});
