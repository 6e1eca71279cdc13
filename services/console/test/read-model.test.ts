import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { newMessageId, sampleData } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { ReadModel } from "../src/model/read-model.ts";
import { startFeedReader, type FeedReader } from "../src/ingest/feed-reader.ts";

let bus: SchakelServer;
let vpr: Bus;
let model: ReadModel;
let reader: FeedReader;

beforeAll(async () => {
  bus = await startSchakelServer();
  vpr = await bus.connectAs("vpr");
  model = new ReadModel(bus.directory);
  reader = startFeedReader({ bus: vpr, model });
  await reader.caughtUp;
});
afterAll(async () => {
  await reader?.stop();
  await bus?.cleanup();
});

describe("read model", () => {
  it("read model - ingests verified notices and receipts from the bus as the platform", async () => {
    const ocam = await bus.connectAs("fed-ocam");
    const mechelen = await bus.connectAs("mechelen");
    const noticeId = newMessageId();
    const data = { ...sampleData("notice.posted"), noticeId, recipients: ["mechelen"] };
    const posted = await ocam.publish("notice.posted", data, { to: "mechelen" });
    await mechelen.publish("notice.acknowledged", { noticeId, recipient: "mechelen", acknowledgedAt: new Date().toISOString() }, { to: "fed-ocam", inReplyTo: posted.envelope });
    await waitFor(() => model.notices.notices.get(noticeId)?.receipts.get("mechelen")?.acknowledgedAt !== undefined, { timeoutMs: 5_000, what: "ack in model" });
    expect(model.trace(posted.traceId).map((r) => r.type)).toEqual(["notice.posted", "notice.acknowledged"]);
  });
});
