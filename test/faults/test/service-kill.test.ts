/**
 * A level service killed with SIGKILL in the middle of a batch, twice, and started again: the
 * municipal service of Mechelen receives notices from a federal liaison and answers each with a
 * delivery receipt. Every notice must get its receipt, and each receipt must be stored exactly
 * once, however many times the service crashed between recording a notice and answering it.
 */
import { jetstream } from "@nats-io/jetstream";
import { messageSubject, sampleData, STREAMS } from "@schakel/contracts";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { afterAll, describe, expect, it } from "vitest";
import { reportFigures, secondsSince } from "../src/figures.ts";
import { serviceProcess, type ServiceProcess } from "../src/service-process.ts";

const NOTICES = 300;
let s: SchakelServer | undefined;
let service: ServiceProcess | undefined;

afterAll(async () => {
  await service?.kill9();
  await s?.cleanup();
});

describe("service kill", () => {
  it("service kill - the local service killed with SIGKILL mid-batch twice: every notice answered, each receipt stored once", async () => {
    const started = performance.now();
    s = await startSchakelServer();
    const server = s;
    const jsm = await server.jsm();
    const receipts = messageSubject("notice.delivered", "fed-ocam", "mechelen");
    const countReceipts = async (): Promise<number> =>
      Object.values((await jsm.streams.info(STREAMS.coord.name, { subjects_filter: receipts })).state.subjects ?? {}).reduce((a, b) => a + b, 0);

    const local = serviceProcess("local", "mechelen", server.dataDir, server.url);
    service = local;
    await local.start();
    const liaison = await server.connectAs("fed-ocam");
    const noticeIds: string[] = [];
    for (let i = 0; i < NOTICES; i++) {
      const data = sampleData("notice.posted");
      await liaison.publish("notice.posted", { ...data, recipients: ["mechelen"], ackRequired: false }, { to: "mechelen" });
      noticeIds.push(data.noticeId);
    }

    // Kill while the service is working through the batch, at a third and at two thirds.
    let kills = 0;
    for (const at of [NOTICES / 3, (2 * NOTICES) / 3]) {
      await waitFor(async () => (await countReceipts()) >= at, { timeoutMs: 60_000, intervalMs: 20, what: `${at} receipts` });
      await local.kill9();
      kills++;
      await local.start();
    }
    await waitFor(async () => (await countReceipts()) >= NOTICES, { timeoutMs: 90_000, intervalMs: 200, what: `a receipt for each of ${NOTICES} notices` });

    // Read every stored receipt: one per notice, none twice.
    const perNotice = new Map<string, number>();
    const reader = await jetstream(await server.admin()).consumers.get(STREAMS.coord.name, { filter_subjects: receipts });
    const total = await countReceipts();
    const messages = await reader.consume();
    let seen = 0;
    for await (const m of messages) {
      const id = (m.json() as { data: { noticeId: string } }).data.noticeId;
      perNotice.set(id, (perNotice.get(id) ?? 0) + 1);
      if (++seen >= total) break;
    }
    messages.stop();
    await local.kill9();

    const missing = noticeIds.filter((id) => !perNotice.has(id)).length;
    const duplicates = [...perNotice.values()].filter((n) => n > 1).length;
    reportFigures("service-kill-local", { notices: NOTICES, kills, receipts: total, lost: missing, duplicates, time: secondsSince(started) });
    expect(kills).toBe(2);
    expect(missing).toBe(0);
    expect(duplicates).toBe(0);
    expect(total).toBe(NOTICES);
  });
});
