import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { federalService } from "@schakel/federal";
import { escalatedSignals } from "@schakel/organisation";
import { raiseSignal } from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { flemishService } from "@schakel/flemish";
import { type PlatformEvent } from "../src/mod.ts";

const quiet = (service: string) => createLogger({ service, level: "silent" });

describe("platform - signal routing", () => {
  let s: SchakelServer;
  let federal: ServiceHost;
  let flemish: ServiceHost;
  const events: PlatformEvent[] = [];
  beforeAll(async () => {
    s = await startSchakelServer();
    federal = await startService(federalService, { orgs: ["fed-ocam", "fed-police"], dataDir: s.dataDir, server: s.url, logger: quiet("federal") });
    flemish = await startService(flemishService, { orgs: ["vpr"], dataDir: s.dataDir, server: s.url, logger: quiet("flemish"), options: { tickMs: 100, onEvent: (e) => void events.push(e) } });
  });
  afterAll(async () => {
    await Promise.all([federal?.stop(), flemish?.stop()]);
    await s?.cleanup();
  });

  it("platform - a high-severity signal flagged for escalation reaches the federal liaisons once; lower ones stay at the platform", async () => {
    const vilvoorde = await s.connectAs("vilvoorde");
    const high = await raiseSignal(vilvoorde, {
      kind: "incident", severity: "high", title: "Threatening graffiti at a place of worship", description: "Symbols linked to far-right groups; police informed.",
      escalate: true, extremismForms: ["far-right"],
    });
    const medium = await raiseSignal(vilvoorde, { kind: "tension", severity: "medium", title: "Tension in a neighbourhood", description: "Verbal clashes between groups.", escalate: true });
    const unflagged = await raiseSignal(vilvoorde, { kind: "incident", severity: "critical", title: "Incident handled locally", description: "Handled by the police zone.", escalate: false });
    for (const liaison of ["fed-ocam", "fed-police"]) {
      const got = await waitFor(async () => (await escalatedSignals(federal.bus(liaison))).find((x) => x.signalId === high.signalId), { what: `the escalated signal at ${liaison}` });
      expect(got).toMatchObject({ raisedBy: "vilvoorde", from: "vpr", to: "federal", severity: "high", direction: "escalated-to-us" });
    }
    await waitFor(() => events.filter((e) => e.kind === "signal-kept").length === 2, { what: "the platform to judge the two other signals" });
    expect(events.filter((e) => e.kind === "signal-kept").map((e) => e.kind === "signal-kept" && e.route).sort()).toEqual(["below-threshold", "not-flagged"]);
    const escalated = await waitFor(async () => {
      const e = await storedOfType<{ signalId: string; raisedBy: string }>(await s.jsm(), "signal.escalated", "vpr");
      return e.length ? e : undefined;
    }, { what: "the escalated signal in the stream" });
    expect(escalated.map((m) => m.envelope.data.signalId)).toEqual([high.signalId]);
    expect(escalated[0]!.envelope).toMatchObject({ audience: "federal", causationid: high.messageId });
    expect(escalated[0]!.envelope.traceparent.slice(3, 35)).toBe(high.traceId);
    for (const liaison of ["fed-ocam", "fed-police"]) {
      const ids = (await escalatedSignals(federal.bus(liaison))).map((x) => x.signalId);
      expect(ids).not.toContain(medium.signalId);
      expect(ids).not.toContain(unflagged.signalId);
    }
  });
});
