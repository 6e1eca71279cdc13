/**
 * The platform's delivery records: one record per (notice, recipient) beside the notice's own, read
 * back by listing the notice's keys; and a delivery record written by the previous release (every
 * recipient's receipts inside the notice's one value) still read, alone or next to new receipts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { flemishService } from "@schakel/flemish";
import { localService } from "@schakel/local";
import { acknowledgeNotice, postNotice, receivedNotices } from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { deliveryReceiptKey, deliveryReceipts, noticeStatus, openPlatformStores, type PlatformStores } from "../src/mod.ts";

const quiet = (service: string) => createLogger({ service, level: "silent" });
const MUNICIPALITIES = ["mechelen", "antwerpen", "vilvoorde"];

/** The bytes the previous release stored under `notice.<id>`: the notice and every recipient's receipts in one value. */
function previousReleaseRecord(noticeId: string, receipts: Record<string, object>): string {
  return JSON.stringify({
    noticeId, sender: "fed-ocam", title: "Road closure on the ring", category: "event-warning", audiences: MUNICIPALITIES, expected: MUNICIPALITIES,
    ackRequired: true, postedAt: "2026-12-01T09:00:00.000Z", traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    copies: Object.fromEntries(MUNICIPALITIES.map((m) => [m, randomUUID()])), receipts,
  });
}

describe("platform - delivery records", () => {
  let s: SchakelServer;
  let local: ServiceHost;
  let flemish: ServiceHost;
  let stores: PlatformStores;
  beforeAll(async () => {
    s = await startSchakelServer();
    local = await startService(localService, { orgs: MUNICIPALITIES, dataDir: s.dataDir, server: s.url, logger: quiet("local") });
    flemish = await startService(flemishService, { orgs: ["vpr"], dataDir: s.dataDir, server: s.url, logger: quiet("flemish") });
    stores = await openPlatformStores(await s.connectAs("vpr"));
  });
  afterAll(async () => {
    await Promise.all([local?.stop(), flemish?.stop()]);
    await s?.cleanup();
  });

  it("delivery records - each recipient's receipts are a record of their own, and the notice's record holds none", async () => {
    const posted = await postNotice(await s.connectAs("fed-ocam"), {
      to: MUNICIPALITIES, title: "Heat wave plan", body: "Activate the plan in your municipality.", category: "event-warning", ackBy: new Date(Date.now() + 3_600_000),
    });
    for (const org of MUNICIPALITIES) {
      await waitFor(async () => (await receivedNotices(local.bus(org))).some((n) => n.noticeId === posted.noticeId), { what: `the notice at ${org}` });
    }
    expect((await acknowledgeNotice(local.bus("mechelen"), { noticeId: posted.noticeId, remark: "taken up" })).outcome).toBe("acknowledged");
    const status = await waitFor(async () => {
      const st = await noticeStatus(stores, posted.noticeId);
      const states = Object.fromEntries(st?.recipients.map((r) => [r.org, r.state]) ?? []);
      return states.mechelen === "acknowledged" && states.antwerpen === "delivered" && states.vilvoorde === "delivered" ? st : undefined;
    }, { what: "mechelen acknowledged, the others delivered, in the platform's status" });
    expect(status.recipients.find((r) => r.org === "mechelen")?.remark).toBe("taken up");

    const keys = (await deliveryReceipts(stores).keys(`${posted.noticeId}.*`)).sort();
    expect(keys).toEqual(MUNICIPALITIES.map((m) => deliveryReceiptKey(posted.noticeId, m)).sort());
    const mechelen = (await deliveryReceipts(stores).get(deliveryReceiptKey(posted.noticeId, "mechelen")))!.value;
    expect(mechelen).toMatchObject({ noticeId: posted.noticeId, recipient: "mechelen", remark: "taken up" });
    expect(mechelen.deliveredAt).toBeDefined();
    expect(mechelen.acknowledgedAt).toBeDefined();
    const record = (await stores.deliveries.get(posted.noticeId))!.value;
    expect(record.receipts).toBeUndefined();
    expect([...record.expected].sort()).toEqual([...MUNICIPALITIES].sort());
    // Another notice's receipts are not listed with this one's.
    expect(keys.every((k) => k.startsWith(`${posted.noticeId}.`))).toBe(true);
  });

  it("delivery records - a record of the previous release (all receipts in the notice's value) is read as before", async () => {
    const noticeId = randomUUID();
    await stores.deliveries.kv.put(`notice.${noticeId}`, previousReleaseRecord(noticeId, {
      mechelen: { deliveredAt: "2026-12-01T09:00:01.000Z", acknowledgedAt: "2026-12-01T09:05:00.000Z", acknowledgedBy: "L. Peeters", remark: "on it" },
      antwerpen: { deliveredAt: "2026-12-01T09:00:02.000Z" },
    }));
    const status = (await noticeStatus(stores, noticeId, new Date("2026-12-01T10:00:00.000Z")))!;
    expect(status).toMatchObject({ noticeId, sender: "fed-ocam", title: "Road closure on the ring" });
    const rows = Object.fromEntries(status.recipients.map((r) => [r.org, r]));
    expect(rows.mechelen).toMatchObject({ state: "acknowledged", acknowledgedBy: "L. Peeters", remark: "on it" });
    expect(rows.antwerpen?.state).toBe("delivered");
    expect(rows.vilvoorde?.state).toBe("pending");
  });

  it("delivery records - a record of the previous release with receipts that arrive after the upgrade: both are read, the first moment wins", async () => {
    const noticeId = randomUUID();
    await stores.deliveries.kv.put(`notice.${noticeId}`, previousReleaseRecord(noticeId, { antwerpen: { deliveredAt: "2026-12-01T09:00:02.000Z" } }));
    const receipts = deliveryReceipts(stores);
    // Written after the upgrade: antwerpen's acknowledgement (with a later, repeated delivery) and vilvoorde's delivery.
    await receipts.put(deliveryReceiptKey(noticeId, "antwerpen"), {
      noticeId, recipient: "antwerpen", deliveredAt: "2026-12-01T09:30:00.000Z", acknowledgedAt: "2026-12-01T09:31:00.000Z", remark: "after the upgrade",
    });
    await receipts.put(deliveryReceiptKey(noticeId, "vilvoorde"), { noticeId, recipient: "vilvoorde", deliveredAt: "2026-12-01T09:32:00.000Z" });
    const status = (await noticeStatus(stores, noticeId, new Date("2026-12-01T10:00:00.000Z")))!;
    const rows = Object.fromEntries(status.recipients.map((r) => [r.org, r]));
    expect(rows.antwerpen).toMatchObject({ state: "acknowledged", remark: "after the upgrade" });
    expect(rows.antwerpen?.deliveredAt).toBe("2026-12-01T09:00:02.000Z");
    expect(rows.vilvoorde?.state).toBe("delivered");
    expect(rows.mechelen?.state).toBe("pending");
  });
});
