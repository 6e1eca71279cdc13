import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { localService } from "@schakel/local";
import { acknowledgeNotice, outgoingRequests, receivedNotices, requestCoordination } from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { demoAutoAnswer, federalService } from "../src/mod.ts";
import { incomingRequests, noticeStatusFor, postNotice, respondToCoordination, sentNotice, type NoticeMessage } from "@schakel/organisation";

const quiet = (service: string) => createLogger({ service, level: "silent" });

describe("federal - liaisons", () => {
  let s: SchakelServer;
  let local: ServiceHost;
  let police: ServiceHost;
  let ocam: ServiceHost;
  beforeAll(async () => {
    s = await startSchakelServer();
    local = await startService(localService, { orgs: ["mechelen", "antwerpen"], dataDir: s.dataDir, server: s.url, logger: quiet("local") });
    police = await startService(federalService, { orgs: ["fed-police"], dataDir: s.dataDir, server: s.url, logger: quiet("federal"), options: { autoAnswer: demoAutoAnswer } });
    ocam = await startService(federalService, { orgs: ["fed-ocam"], dataDir: s.dataDir, server: s.url, logger: quiet("federal") });
  });
  afterAll(async () => {
    await Promise.all([local?.stop(), police?.stop(), ocam?.stop()]);
    await s?.cleanup();
  });

  it("federal - postNotice sends one copy per audience with one notice id and trace, and follows receipts and acknowledgements", async () => {
    const bus = ocam.bus("fed-ocam");
    const posted = await postNotice(bus, {
      to: ["mechelen", "antwerpen"], title: "Threat level for public events", body: "Level 2 remains; see guidance.", category: "threat-assessment",
      ackBy: new Date(Date.now() + 3_600_000), preventionTier: "secondary",
    });
    expect(posted.copies.map((c) => c.audience)).toEqual(["mechelen", "antwerpen"]);
    expect(posted.copies.every((c) => c.stream === "COORD" && !c.duplicate)).toBe(true);
    const stored = (await storedOfType(await s.jsm(), "notice.posted", "fed-ocam")).filter((m) => m.envelope.data.noticeId === posted.noticeId);
    expect(stored).toHaveLength(2);
    expect(new Set(stored.map((m) => m.envelope.traceparent.slice(3, 35)))).toEqual(new Set([posted.traceId]));
    expect(stored.every((m) => m.envelope.correlationid === posted.noticeId)).toBe(true);
    // The status as fed-ocam knows it: its record of the notice and the receipts addressed to it.
    const sent = (await sentNotice(bus, posted.noticeId))!;
    expect(sent).toMatchObject({ title: "Threat level for public events", audiences: ["mechelen", "antwerpen"], traceId: posted.traceId });
    const statusAtOcam = async () => {
      const messages = (await Promise.all((["notice.delivered", "notice.acknowledged"] as const).map(async (type) =>
        (await storedOfType(await s.jsm(), type)).filter((m) => m.envelope.audience === "fed-ocam")
          .map((m) => ({ type, sender: m.envelope.sender, data: m.envelope.data }) as NoticeMessage)))).flat();
      const rows = noticeStatusFor({ org: "fed-ocam", platform: false }, s.directory, posted.noticeId, messages, { sent }, Date.now())?.recipients ?? [];
      return Object.fromEntries(rows.map((r) => [r.org, r]));
    };
    await waitFor(async () => Object.values(await statusAtOcam()).filter((r) => r.state === "delivered").length === 2, { what: "both delivery receipts at fed-ocam" });
    await waitFor(async () => (await receivedNotices(local.bus("mechelen"))).some((n) => n.noticeId === posted.noticeId), { what: "the notice at mechelen" });
    await acknowledgeNotice(local.bus("mechelen"), { noticeId: posted.noticeId, remark: "Shared with the police zone" });
    const rows = await waitFor(async () => {
      const r = await statusAtOcam();
      return r.mechelen?.state === "acknowledged" ? r : undefined;
    }, { what: "mechelen's acknowledgement at fed-ocam" });
    expect(rows.mechelen).toMatchObject({ remark: "Shared with the police zone", late: false });
    expect(rows.antwerpen).toMatchObject({ state: "delivered", acknowledgedAt: null });
  });

  it("federal - a notice with an unknown audience or a past deadline is refused before anything is sent", async () => {
    const bus = ocam.bus("fed-ocam");
    const before = (await storedOfType(await s.jsm(), "notice.posted", "fed-ocam")).length;
    await expect(postNotice(bus, { to: ["mechelen", "atlantis"], title: "A valid title", body: "Body.", category: "information" })).rejects.toThrow(/unknown audience "atlantis"/);
    await expect(postNotice(bus, { to: ["mechelen"], title: "A valid title", body: "Body.", category: "information", ackBy: new Date(Date.now() - 1000) })).rejects.toThrow(/not a moment in the future/);
    await expect(postNotice(bus, { to: ["mechelen"], title: "x", body: "Body.", category: "information" })).rejects.toThrow(/data\.title/);
    expect((await storedOfType(await s.jsm(), "notice.posted", "fed-ocam")).length).toBe(before);
  });

  it("federal - a municipality's coordination request is answered across levels, the answer caused by the request", async () => {
    const mechelen = local.bus("mechelen");
    const asked = await requestCoordination(mechelen, { to: "fed-police", ask: "align", topic: "Follow-up of a released detainee", body: "Can we align the follow-up with the police zone?", respondBy: new Date(Date.now() + 3_600_000) });
    const answered = await waitFor(async () => (await outgoingRequests(mechelen)).find((r) => r.requestId === asked.requestId && r.responses.length), { what: "the auto-answer at mechelen" });
    expect(answered.responses[0]).toMatchObject({ from: "fed-police", outcome: "agreed", causationId: asked.messageId });
    const reply = (await storedOfType(await s.jsm(), "coordination.responded", "fed-police")).find((m) => m.envelope.data.requestId === asked.requestId)!;
    expect(reply.envelope).toMatchObject({ audience: "mechelen", causationid: asked.messageId, correlationid: asked.messageId });
    expect(reply.envelope.traceparent.slice(3, 35)).toBe(asked.traceId);
  });

  it("federal - a liaison without a policy answers by hand; answering twice sends nothing new", async () => {
    const antwerpen = local.bus("antwerpen");
    const asked = await requestCoordination(antwerpen, { to: "fed-ocam", ask: "inform", topic: "Local polarisation after an incident", body: "Please share your assessment." });
    const bus = ocam.bus("fed-ocam");
    await waitFor(async () => (await incomingRequests(bus, { open: true })).some((r) => r.requestId === asked.requestId), { what: "the request at fed-ocam" });
    const first = await respondToCoordination(bus, { requestId: asked.requestId, outcome: "informed", body: "Assessment shared with the local cell." });
    expect(first).toMatchObject({ outcome: "responded", to: "antwerpen", causationId: asked.messageId });
    expect((await respondToCoordination(bus, { requestId: asked.requestId, outcome: "informed", body: "again" })).outcome).toBe("already-responded");
    expect((await respondToCoordination(bus, { requestId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", outcome: "done", body: "x" })).outcome).toBe("unknown-request");
    await waitFor(async () => (await outgoingRequests(antwerpen)).find((r) => r.requestId === asked.requestId)?.responses.length === 1, { what: "the answer at antwerpen" });
    expect((await storedOfType(await s.jsm(), "coordination.responded", "fed-ocam")).filter((m) => m.envelope.data.requestId === asked.requestId)).toHaveLength(1);
  });
});
