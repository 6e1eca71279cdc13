/**
 * The secured bus the harness starts: organisations connect through their bus client, and tests
 * that go below the bus on purpose get a raw connection that is still the organisation itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstream } from "@nats-io/jetstream";
import { inboxConsumers, STREAMS } from "@schakel/contracts";
import { startSchakelServer, type SchakelServer } from "../src/mod.ts";

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
});
