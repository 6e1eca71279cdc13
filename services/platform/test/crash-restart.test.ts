import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { localService } from "@schakel/local";
import { receivedNotices } from "@schakel/organisation";
import { postNotice } from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { flemishService } from "@schakel/flemish";
import { obligationKey, openPlatformStores, type PlatformEvent, type PlatformStores } from "../src/mod.ts";

const quiet = (service: string) => createLogger({ service, level: "silent" });
type EscalationData = { escalationId: string; obligation: { reference: string; owedBy: string } };

describe("platform - crash and restart of the platform", () => {
  let s: SchakelServer;
  let local: ServiceHost;
  let stores: PlatformStores;
  const hosts: ServiceHost[] = [];
  const startPlatform = async (onEvent?: (e: PlatformEvent) => void) => {
    const h = await startService(flemishService, { orgs: ["vpr"], dataDir: s.dataDir, server: s.url, logger: quiet("flemish"), options: { tickMs: 100, ...(onEvent ? { onEvent } : {}) } });
    hosts.push(h);
    return h;
  };
  const escalationsOf = async (noticeId: string) =>
    (await storedOfType<EscalationData>(await s.jsm(), "escalation.raised", "vpr")).filter((m) => m.envelope.data.obligation.reference === noticeId);

  beforeAll(async () => {
    s = await startSchakelServer();
    local = await startService(localService, { orgs: ["mechelen", "vilvoorde"], dataDir: s.dataDir, server: s.url, logger: quiet("local") });
    stores = await openPlatformStores(await s.connectAs("vpr"));
  });
  afterAll(async () => {
    await Promise.all([local?.stop(), ...hosts.map((h) => h.stop())]);
    await s?.cleanup();
  });

  it("platform - killed with obligations open and restarted after the deadline: the escalation happens once", async () => {
    const first = await startPlatform();
    const ocam = await s.connectAs("fed-ocam");
    const ackBy = new Date(Date.now() + 1_500);
    const posted = await postNotice(ocam, { to: ["mechelen"], title: "Event warning for the weekend", body: "A large gathering is expected.", category: "event-warning", ackBy });
    const key = obligationKey("acknowledgement", posted.noticeId, "mechelen");
    await waitFor(async () => (await stores.obligations.get(key)) !== undefined, { what: "the obligation to be opened" });
    await waitFor(async () => (await receivedNotices(local.bus("mechelen"))).some((n) => n.noticeId === posted.noticeId), { what: "the notice at mechelen" });
    await first.kill();
    // The deadline passes while no platform runs.
    await waitFor(() => Date.now() > ackBy.getTime() + 300, { timeoutMs: 5_000, what: "the deadline to pass" });
    expect(await escalationsOf(posted.noticeId)).toHaveLength(0);
    const second = await startPlatform();
    await waitFor(async () => (await stores.obligations.get(key))?.value.escalation?.state === "published", { timeoutMs: 15_000, what: "the escalation after the restart" });
    await second.stop();
    const stored = await escalationsOf(posted.noticeId);
    expect(stored.map((m) => m.envelope.audience).sort()).toEqual(["fed-ocam", "mechelen"]);
    expect(new Set(stored.map((m) => m.envelope.data.escalationId)).size).toBe(1);
  });

  it("platform - killed between publishing an escalation and recording it: the restarted platform repeats it with the same ids, stored once", async () => {
    let killed: Promise<void> | undefined;
    let victim: ServiceHost | undefined;
    const ocam = await s.connectAs("fed-ocam");
    const ackBy = new Date(Date.now() + 1_500);
    const posted = await postNotice(ocam, { to: ["vilvoorde"], title: "Threat assessment update", body: "The level stays at 2.", category: "threat-assessment", ackBy });
    const key = obligationKey("acknowledgement", posted.noticeId, "vilvoorde");
    victim = await startPlatform((e) => {
      // The crash comes right after the first copy is stored, before the escalation is recorded.
      if (e.kind === "escalation-published" && e.key === key && !killed) killed = victim!.kill();
    });
    await waitFor(() => killed !== undefined, { timeoutMs: 15_000, what: "the platform to crash mid-escalation" });
    await killed;
    const before = await stores.obligations.get(key);
    expect(before?.value.escalation?.state).toBe("pending");
    const firstCopies = await escalationsOf(posted.noticeId);
    expect(firstCopies.length).toBeGreaterThanOrEqual(1);

    const events: PlatformEvent[] = [];
    await startPlatform((e) => void events.push(e));
    const after = await waitFor(async () => {
      const o = await stores.obligations.get(key);
      return o?.value.escalation?.state === "published" ? o.value : undefined;
    }, { timeoutMs: 15_000, what: "the restarted platform to finish the escalation" });
    expect(after.escalation!.escalationId).toBe(before!.value.escalation!.escalationId);
    const stored = await escalationsOf(posted.noticeId);
    expect(stored.map((m) => m.envelope.audience).sort()).toEqual(["fed-ocam", "vilvoorde"]);
    expect(new Set(stored.map((m) => m.envelope.data.escalationId))).toEqual(new Set([after.escalation!.escalationId]));
    // A copy stored before the crash is either known from reading it back (and not sent again) or
    // sent again with the same message id and refused by JetStream as a duplicate.
    const republished = events.filter((e) => e.kind === "escalation-published" && e.key === key);
    for (const copy of firstCopies) {
      const again = republished.find((e) => e.kind === "escalation-published" && e.audience === copy.envelope.audience);
      if (again) expect(again).toMatchObject({ messageId: copy.envelope.id, duplicate: true });
    }
  });

  it("platform - the bus itself is killed and restarted: open obligations and new ones after the restart escalate once each", async () => {
    const platform = await startPlatform();
    const ocam = await s.connectAs("fed-ocam");
    const before = await postNotice(ocam, { to: ["mechelen"], title: "Notice before the outage", body: "Acknowledge please.", category: "information", ackBy: new Date(Date.now() + 2_500) });
    const keyBefore = obligationKey("acknowledgement", before.noticeId, "mechelen");
    await waitFor(async () => (await stores.obligations.get(keyBefore)) !== undefined, { what: "the first obligation" });
    await s.server.kill9();
    await s.server.restart();
    const after = await waitFor(() => postNotice(ocam, { to: ["mechelen"], title: "Notice after the outage", body: "Acknowledge please.", category: "information", ackBy: new Date(Date.now() + 1_500) }), { timeoutMs: 15_000, what: "the bus to take notices again" });
    const keyAfter = obligationKey("acknowledgement", after.noticeId, "mechelen");
    for (const key of [keyBefore, keyAfter]) {
      await waitFor(async () => (await stores.obligations.get(key))?.value.escalation?.state === "published", { timeoutMs: 20_000, what: `the escalation of ${key}` });
    }
    for (const n of [before, after]) {
      const stored = await escalationsOf(n.noticeId);
      expect(stored.map((m) => m.envelope.audience).sort()).toEqual(["fed-ocam", "mechelen"]);
    }
    await platform.stop();
  });
});
