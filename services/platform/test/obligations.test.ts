import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { federalService } from "@schakel/federal";
import { postNotice, respondToCoordination } from "@schakel/organisation";
import { localService } from "@schakel/local";
import { acknowledgeNotice, receivedNotices, requestCoordination } from "@schakel/organisation";
import { orgState } from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { flemishService } from "@schakel/flemish";
import { escalations, noticeStatus, obligationKey, openObligations, openPlatformStores, type PlatformEvent, type PlatformStores } from "../src/mod.ts";

const quiet = (service: string) => createLogger({ service, level: "silent" });
type EscalationData = { escalationId: string; obligation: { kind: string; reference: string; owedBy: string; owedTo: string; sourceMessageId: string } };

describe("platform - obligations and escalations", () => {
  let s: SchakelServer;
  let local: ServiceHost;
  let federal: ServiceHost;
  let flemish: ServiceHost;
  let stores: PlatformStores;
  const events: PlatformEvent[] = [];
  beforeAll(async () => {
    s = await startSchakelServer();
    local = await startService(localService, { orgs: ["mechelen", "antwerpen", "vilvoorde"], dataDir: s.dataDir, server: s.url, logger: quiet("local") });
    federal = await startService(federalService, { orgs: ["fed-ocam"], dataDir: s.dataDir, server: s.url, logger: quiet("federal") });
    flemish = await startService(flemishService, { orgs: ["vpr"], dataDir: s.dataDir, server: s.url, logger: quiet("flemish"), options: { tickMs: 100, onEvent: (e) => void events.push(e) } });
    // The read models are read with the platform identity, on a connection of their own (as the CLI does).
    stores = await openPlatformStores(await s.connectAs("vpr"));
  });
  afterAll(async () => {
    await Promise.all([local?.stop(), federal?.stop(), flemish?.stop()]);
    await s?.cleanup();
  });

  it("platform - a federal notice to three municipalities: all deliver, two acknowledge, exactly one escalation for the third", async () => {
    const ackBy = new Date(Date.now() + 2_500);
    const posted = await postNotice(federal.bus("fed-ocam"), {
      to: ["mechelen", "antwerpen", "vilvoorde"], title: "Release of a detainee in the region", body: "Coordinate the follow-up in your local cell.",
      category: "detainee-release", ackBy, preventionTier: "tertiary",
    });
    for (const org of ["mechelen", "antwerpen", "vilvoorde"]) {
      await waitFor(async () => (await receivedNotices(local.bus(org))).some((n) => n.noticeId === posted.noticeId), { what: `the notice at ${org}` });
    }
    for (const org of ["mechelen", "antwerpen"]) {
      expect((await acknowledgeNotice(local.bus(org), { noticeId: posted.noticeId, remark: `${org} takes it up` })).outcome).toBe("acknowledged");
    }
    const key = obligationKey("acknowledgement", posted.noticeId, "vilvoorde");
    const escalated = await waitFor(async () => {
      const o = await stores.obligations.get(key);
      return o?.value.escalation?.state === "published" ? o.value : undefined;
    }, { timeoutMs: 15_000, what: "the escalation for vilvoorde to be published" });
    expect(Date.parse(escalated.escalation!.missedAt)).toBeGreaterThanOrEqual(ackBy.getTime());

    const stored = (await storedOfType<EscalationData>(await s.jsm(), "escalation.raised", "vpr")).filter((m) => m.envelope.data.obligation.reference === posted.noticeId);
    expect(stored.map((m) => m.envelope.audience).sort()).toEqual(["fed-ocam", "vilvoorde"]);
    expect(new Set(stored.map((m) => m.envelope.data.escalationId)).size).toBe(1);
    const vilvoordeCopy = posted.copies.find((c) => c.audience === "vilvoorde")!;
    for (const m of stored) {
      expect(m.envelope.data.obligation).toMatchObject({ kind: "acknowledgement", owedBy: "vilvoorde", owedTo: "fed-ocam", sourceMessageId: vilvoordeCopy.id });
      expect(m.envelope.causationid).toBe(vilvoordeCopy.id);
      expect(m.envelope.traceparent.slice(3, 35)).toBe(posted.traceId);
    }
    expect(events.filter((e) => e.kind === "escalated" && e.key.includes(posted.noticeId))).toHaveLength(1);
    // Both sides of the missed obligation recorded it.
    const escalationId = stored[0]!.envelope.data.escalationId;
    await waitFor(async () => (await (await orgState(local.bus("vilvoorde"))).escalations.get(escalationId)) !== undefined, { what: "the escalation at vilvoorde" });
    await waitFor(async () => (await (await orgState(federal.bus("fed-ocam"))).escalations.get(escalationId)) !== undefined, { what: "the escalation at fed-ocam" });

    const status = (await noticeStatus(stores, posted.noticeId))!;
    expect(status).toMatchObject({ sender: "fed-ocam", ackRequired: true, ackBy: ackBy.toISOString(), traceId: posted.traceId, audiences: ["mechelen", "antwerpen", "vilvoorde"] });
    const byOrg = Object.fromEntries(status.recipients.map((r) => [r.org, r]));
    expect(Object.keys(byOrg)).toEqual(["antwerpen", "mechelen", "vilvoorde"]);
    expect(status.recipients.every((r) => r.deliveredAt !== null)).toBe(true);
    expect(byOrg.mechelen).toMatchObject({ state: "acknowledged", remark: "mechelen takes it up", escalated: false, late: false });
    expect(byOrg.antwerpen).toMatchObject({ state: "acknowledged", escalated: false });
    expect(byOrg.vilvoorde).toMatchObject({ state: "overdue", acknowledgedAt: null, escalated: true, escalationId });
    expect(status.progress).toBe("overdue");
    const open = await openObligations(stores, { owedTo: "fed-ocam" });
    expect(open.filter((o) => o.reference === posted.noticeId)).toEqual([expect.objectContaining({ owedBy: "vilvoorde", overdue: true, escalated: true })]);
    expect((await escalations(stores)).filter((e) => e.reference === posted.noticeId)).toEqual([expect.objectContaining({ escalationId, owedBy: "vilvoorde", state: "published" })]);

    // A late acknowledgement closes the obligation; the escalation stays, and is not repeated.
    await acknowledgeNotice(local.bus("vilvoorde"), { noticeId: posted.noticeId });
    await waitFor(async () => (await noticeStatus(stores, posted.noticeId))?.recipients.find((r) => r.org === "vilvoorde" && r.state === "acknowledged")?.late === true, { what: "the late acknowledgement in the status" });
    // The receipt and the obligation are two records, written one after the other.
    await waitFor(async () => (await stores.obligations.get(obligationKey("acknowledgement", posted.noticeId, "vilvoorde")))?.value.closedAt !== undefined, { what: "vilvoorde's obligation closed" });
    expect((await openObligations(stores)).some((o) => o.reference === posted.noticeId)).toBe(false);
    expect((await storedOfType<EscalationData>(await s.jsm(), "escalation.raised", "vpr")).filter((m) => m.envelope.data.obligation.reference === posted.noticeId)).toHaveLength(2);
  });

  it("platform - a coordination request with respondBy: an answer in time closes it; without one it escalates once to both sides", async () => {
    const respondBy = new Date(Date.now() + 2_000);
    const answered = await requestCoordination(local.bus("mechelen"), { to: "fed-ocam", ask: "inform", topic: "Threat picture for the city festival", body: "Please share the assessment.", respondBy });
    const unanswered = await requestCoordination(local.bus("antwerpen"), { to: "fed-ocam", ask: "act", topic: "Extra patrols near a place of worship", body: "Can the police zone be reinforced?", respondBy });
    await waitFor(async () => (await stores.obligations.get(obligationKey("response", answered.requestId, "fed-ocam"))) !== undefined, { what: "the response obligation" });
    await waitFor(async () => (await respondToCoordination(federal.bus("fed-ocam"), { requestId: answered.requestId, outcome: "informed", body: "Assessment shared." })).outcome !== "unknown-request", { what: "the request at fed-ocam" });
    const missed = await waitFor(async () => {
      const o = await stores.obligations.get(obligationKey("response", unanswered.requestId, "fed-ocam"));
      return o?.value.escalation?.state === "published" ? o.value : undefined;
    }, { timeoutMs: 15_000, what: "the escalation of the unanswered request" });
    expect(missed).toMatchObject({ owedBy: "fed-ocam", owedTo: "antwerpen", kind: "response" });
    const closed = (await stores.obligations.get(obligationKey("response", answered.requestId, "fed-ocam")))!.value;
    expect(closed.closedAt).toBeDefined();
    expect(closed.escalation).toBeUndefined();
    const stored = (await storedOfType<EscalationData>(await s.jsm(), "escalation.raised", "vpr")).filter((m) => [answered.requestId, unanswered.requestId].includes(m.envelope.data.obligation.reference));
    expect(stored.map((m) => `${m.envelope.data.obligation.reference === unanswered.requestId ? "unanswered" : "answered"}→${m.envelope.audience}`).sort()).toEqual(["unanswered→antwerpen", "unanswered→fed-ocam"]);
  });
});
