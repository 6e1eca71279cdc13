/**
 * Independent messages handled side by side: receipts that each change only their own record may
 * run at the same time (up to the limit), while any other message waits for every one under way
 * and holds back what comes after it — so the order of effects changes only among the independent
 * ones. First the lanes on their own, then a consumer on a real server.
 */
import { describe, expect, it } from "vitest";
import { newMessageId, STREAMS } from "@schakel/contracts";
import { waitFor } from "@schakel/harness";
import { MemoryProcessedStore } from "../src/bus/processed.ts";
import { SideBySide } from "../src/bus/side-by-side.ts";
import { fileBus, waitForDrained } from "./helpers.ts";

/** A promise and the function that settles it. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe("side by side", () => {
  it("lanes - independent work overlaps up to the limit; other work waits for all of it first", async () => {
    const lanes = new SideBySide(3);
    const hold = gate();
    let running = 0;
    let most = 0;
    const finished: string[] = [];
    const independent = (name: string) => lanes.run(true, async () => {
      running++;
      most = Math.max(most, running);
      await hold.opened;
      running--;
      finished.push(name);
    });
    for (const name of ["a", "b", "c"]) await independent(name);
    expect(running).toBe(3);
    const fourth = independent("d"); // the limit: waits for a lane
    await new Promise((r) => setTimeout(r, 20));
    expect(running).toBe(3);
    let dependentSaw: string[] | undefined;
    hold.open();
    await fourth;
    await lanes.run(false, async () => void (dependentSaw = [...finished]));
    expect(dependentSaw?.sort()).toEqual(["a", "b", "c", "d"]);
    expect(most).toBe(3);
  });

  it("lanes - a failure of independent work is not lost: the next call throws it", async () => {
    const lanes = new SideBySide(2);
    await lanes.run(true, async () => {
      throw new Error("the store is away");
    });
    await expect(lanes.settled()).rejects.toThrow("the store is away");
    await expect(lanes.settled()).resolves.toBeUndefined();
  });

  describe("on a real server", () => {
    const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen" });

    it("consume - receipts run side by side, an acknowledgement after them waits for all of them, each is handled once; only the acknowledgement is kept as processed", async () => {
      const noticeId = newMessageId();
      const receipt = () => ({ noticeId: newMessageId(), recipient: "mechelen", deliveredAt: new Date().toISOString() });
      const before = [];
      for (let i = 0; i < 8; i++) before.push(await t.mechelen.publish("notice.delivered", receipt(), { to: "fed-ocam" }));
      const ack = await t.mechelen.publish("notice.acknowledged", { noticeId, recipient: "mechelen", acknowledgedAt: new Date().toISOString() }, { to: "fed-ocam" });
      const after = [];
      for (let i = 0; i < 4; i++) after.push(await t.mechelen.publish("notice.delivered", receipt(), { to: "fed-ocam" }));

      const hold = gate();
      let running = 0;
      let most = 0;
      const receipts: string[] = [];
      let receiptsBeforeAck: number | undefined;
      let runningDuringAck: number | undefined;
      const processed = new MemoryProcessedStore();
      const c = t.ocam.consume({
        independent: ["notice.delivered"], sideBySide: 4, processed,
        handlers: {
          "notice.delivered": async (d) => {
            running++;
            most = Math.max(most, running);
            if (receipts.length < 4) await hold.opened; // the first ones wait until all four lanes are taken
            running--;
            receipts.push(d.envelope.id);
          },
          "notice.acknowledged": () => {
            receiptsBeforeAck = receipts.length;
            runningDuringAck = running;
          },
        },
      });
      await waitFor(() => running === 4, { what: "four receipts under way at once" });
      hold.open();
      await waitFor(() => receipts.length === 12 && receiptsBeforeAck !== undefined, { what: "every message handled" });
      await waitForDrained(await t.s.jsm(), STREAMS.coord.name, "fed-ocam--fed-ocam");
      await c.stop();
      expect(most).toBe(4);
      expect(receiptsBeforeAck).toBe(8); // every receipt stored before it was done, none after it had started
      expect(runningDuringAck).toBe(0);
      expect(new Set(receipts)).toEqual(new Set([...before, ...after].map((p) => p.id)));
      expect(receipts).toHaveLength(12);
      // A receipt handled again changes nothing, so its id is not kept; the acknowledgement's is.
      expect(await processed.has(ack.id)).toBe(true);
      for (const p of [...before, ...after]) expect(await processed.has(p.id)).toBe(false);
    });
  });
});
