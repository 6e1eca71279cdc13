/**
 * The one acknowledgement path when the organisation's service has not recorded the notice (no
 * service runs here): `acknowledgeNotice` finds the copy addressed to it in its own feed, answers
 * it with the derived id the service path uses, and records it, so asking again sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "@schakel/contracts/bus";
import { startSchakelServer, storedOfType, type SchakelServer } from "@schakel/harness";
import { acknowledgeNotice, orgState, postNotice, receivedNotices } from "../src/mod.ts";

let s: SchakelServer;
let ocam: Bus;
let mechelen: Bus;

beforeAll(async () => {
  s = await startSchakelServer();
  ocam = await s.connectAs("fed-ocam");
  mechelen = await s.connectAs("mechelen");
});
afterAll(() => s?.cleanup());

const acksOf = async (noticeId: string) =>
  (await storedOfType<{ noticeId: string }>(await s.jsm(), "notice.acknowledged", "mechelen")).filter((m) => m.envelope.data.noticeId === noticeId);

describe("acknowledge", () => {
  it("acknowledge - a notice the service has not recorded is found in the feed, acknowledged once, and recorded", async () => {
    const posted = await postNotice(ocam, { to: ["local"], title: "Regional threat level unchanged", body: "No change for public events.", category: "information", ackBy: new Date(Date.now() + 3_600_000) });
    expect(await (await orgState(mechelen)).notices.get(posted.noticeId)).toBeUndefined();

    const first = await acknowledgeNotice(mechelen, { noticeId: posted.noticeId, remark: "Seen by the local cell", by: "duty officer" });
    expect(first).toMatchObject({ outcome: "acknowledged", to: "fed-ocam", traceId: posted.traceId });
    const recorded = (await receivedNotices(mechelen)).find((n) => n.noticeId === posted.noticeId);
    expect(recorded).toMatchObject({ from: "fed-ocam", audience: "local", acknowledgement: { remark: "Seen by the local cell", by: "duty officer" } });
    expect(recorded?.acknowledgement?.messageId).toBe("messageId" in first ? first.messageId : "none");

    const again = await acknowledgeNotice(mechelen, { noticeId: posted.noticeId });
    expect(again).toMatchObject({ outcome: "already-acknowledged", to: "fed-ocam" });
    const acks = await acksOf(posted.noticeId);
    expect(acks).toHaveLength(1);
    expect(acks[0]!.envelope).toMatchObject({ audience: "fed-ocam", causationid: posted.copies[0]!.id, correlationid: posted.noticeId });
  });

  it("acknowledge - a notice addressed to another organisation is an unknown notice, and nothing is sent", async () => {
    const posted = await postNotice(ocam, { to: ["gent"], title: "For gent only", body: "Not for mechelen.", category: "information" });
    const outcome = await acknowledgeNotice(mechelen, { noticeId: posted.noticeId });
    expect(outcome).toMatchObject({ outcome: "unknown-notice" });
    expect(outcome.outcome === "unknown-notice" && outcome.message).toMatch(/has reached mechelen.*schakel feed --as mechelen/);
    expect(await acksOf(posted.noticeId)).toHaveLength(0);
    expect(await (await orgState(mechelen)).notices.get(posted.noticeId)).toBeUndefined();
  });
});
