import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleData } from "@schakel/contracts";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { receivedDigests, receivedEscalations, receivedKnowledge } from "../src/mod.ts";
import { inboxService } from "./fixtures/inbox-service.ts";

const quiet = createLogger({ service: "inbox", level: "silent" });

describe("organisation - what the inbox records, read back per conversation", () => {
  let s: SchakelServer;
  let host: ServiceHost;
  beforeAll(async () => {
    s = await startSchakelServer();
    host = await startService(inboxService, { orgs: ["mechelen"], dataDir: s.dataDir, server: s.url, logger: quiet });
  });
  afterAll(async () => {
    await host?.stop();
    await s?.cleanup();
  });

  it("inbox - knowledge, digests and escalations addressed to the organisation are recorded once and listed newest first", async () => {
    const vvsg = await s.connectAs("vvsg");
    const vpr = await s.connectAs("vpr");
    const knowledge = sampleData("knowledge.shared");
    await vvsg.publish("knowledge.shared", knowledge, { to: "all" });
    const again = vvsg.prepare("knowledge.shared", knowledge, { to: "all" });
    await vvsg.send(again);
    const digest = sampleData("digest.published");
    await vpr.publish("digest.published", digest, { to: "mechelen" });
    const escalation = sampleData("escalation.raised");
    await vpr.publish("escalation.raised", escalation, { to: "mechelen" });

    const bus = host.bus("mechelen");
    const known = await waitFor(async () => {
      const [k, d, e] = await Promise.all([receivedKnowledge(bus), receivedDigests(bus), receivedEscalations(bus)]);
      return k.length && d.length && e.length ? { k, d, e } : undefined;
    }, { what: "knowledge, digest and escalation in mechelen's records" });
    expect(known.k).toEqual([expect.objectContaining({ knowledgeId: knowledge.knowledgeId, from: "vvsg", title: knowledge.title })]);
    expect(known.d).toEqual([expect.objectContaining({ digestId: digest.digestId, from: "vpr" })]);
    expect(known.e).toEqual([expect.objectContaining({ escalationId: escalation.escalationId, from: "vpr", summary: escalation.summary })]);
  });
});
