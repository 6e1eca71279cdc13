/**
 * The console next to the real level services: a notice posted from the console's form API is
 * delivered by the municipal services, acknowledged by two of them and escalated by the Flemish
 * platform for the third — and the console's matrix, obligations and escalations agree with the
 * platform's own read model (its KV buckets), recipient by recipient.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { federalService } from "@schakel/federal";
import { flemishService } from "@schakel/flemish";
import { escalations, noticeStatus, openObligations, openPlatformStores, type PlatformStores } from "@schakel/platform";
import { localService } from "@schakel/local";
import { acknowledgeNotice, provideSignalInformation, raiseSignal, receivedNotices, signals } from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { startConsole, type RunningConsole } from "../src/mod.ts";
import { bearer, demoPersons, tokenFor } from "./sign-in.ts";

const quiet = (service: string) => createLogger({ service, level: "silent" });
const TOWNS = ["antwerpen", "mechelen", "vilvoorde"];

let bus: SchakelServer;
let services: ServiceHost[] = [];
let local: ServiceHost;
let stores: PlatformStores;
let consoleApp: RunningConsole;

beforeAll(async () => {
  bus = await startSchakelServer();
  const common = { dataDir: bus.dataDir, server: bus.url };
  local = await startService(localService, { orgs: TOWNS, ...common, logger: quiet("local") });
  services = [
    local,
    await startService(federalService, { orgs: ["fed-ocam"], ...common, logger: quiet("federal") }),
    await startService(flemishService, { orgs: ["vpr"], ...common, logger: quiet("flemish"), options: { tickMs: 100 } }),
  ];
  stores = await openPlatformStores(await bus.connectAs("vpr"));
  consoleApp = await startConsole({ servers: bus.url, dataDir: bus.dataDir, signIn: { apiTokensOnly: true, persons: demoPersons(bus) }, onNote: () => undefined });
  liaison = bearer(tokenFor(bus, "p.lambert"));
  coordinator = bearer(tokenFor(bus, "e.janssens"));
  await consoleApp.caughtUp;
});

afterAll(async () => {
  await consoleApp?.stop();
  await Promise.all(services.map((s) => s.stop()));
  await bus?.cleanup();
});

/** API tokens: OCAM's liaison posts, the platform coordinator reads. */
let liaison: Record<string, string>;
let coordinator: Record<string, string>;

interface MatrixRow { org: string; state: string; deliveredAt?: number; acknowledgedAt?: number; escalated: boolean; escalatedAt?: number }

describe("console with the level services", () => {
  it("console services - a notice posted from the console is delivered, acknowledged and escalated, and the console agrees with the platform's read model", async () => {
    const ackBy = new Date(Date.now() + 4_000).toISOString();
    const res = await fetch(new URL("/api/notices", consoleApp.url), {
      method: "POST", headers: { "content-type": "application/json", ...liaison },
      body: JSON.stringify({ recipients: TOWNS, title: "Release of a detainee in the region", body: "Coordinate the follow-up in your local cell.", category: "detainee-release", ackRequired: true, ackBy, preventionTier: "tertiary" }),
    });
    expect(res.status).toBe(201);
    const { noticeId } = (await res.json()) as { noticeId: string };
    for (const org of TOWNS) {
      await waitFor(async () => (await receivedNotices(local.bus(org))).some((n) => n.noticeId === noticeId), { what: `the notice at ${org}` });
    }
    for (const org of ["antwerpen", "mechelen"]) {
      expect((await acknowledgeNotice(local.bus(org), { noticeId, remark: `${org} takes it up` })).outcome).toBe("acknowledged");
    }
    // The platform escalates vilvoorde's missing acknowledgement once the deadline has passed.
    await waitFor(() => consoleApp.model.notices.notices.get(noticeId)?.receipts.get("vilvoorde")?.escalatedAt, { timeoutMs: 20_000, what: "the escalation in the console" });
    await waitFor(() => TOWNS.every((o) => consoleApp.model.notices.notices.get(noticeId)?.receipts.get(o)?.deliveredAt !== undefined), { what: "every delivery receipt in the console" });

    const matrix = ((await (await fetch(new URL(`/api/notices/${noticeId}`, consoleApp.url), { headers: coordinator })).json()) as { matrix: MatrixRow[] }).matrix;
    const platform = (await noticeStatus(stores, noticeId))!;
    expect(matrix.map((r) => r.org).sort()).toEqual(platform.recipients.map((r) => r.org).sort());
    for (const row of matrix) {
      const theirs = platform.recipients.find((r) => r.org === row.org)!;
      expect({ org: row.org, state: row.state, delivered: row.deliveredAt !== undefined, acknowledged: row.acknowledgedAt !== undefined, escalated: row.escalated })
        .toEqual({ org: theirs.org, state: theirs.state, delivered: theirs.deliveredAt !== null, acknowledged: theirs.acknowledgedAt !== null, escalated: theirs.escalated });
    }
    expect(matrix.find((r) => r.org === "vilvoorde")).toMatchObject({ state: "overdue", escalated: true });

    const ours = ((await (await fetch(new URL("/api/obligations", consoleApp.url), { headers: coordinator })).json()) as { items: { kind: string; reference: string; owedBy: string; owedTo: string; overdue: boolean }[] }).items
      .filter((o) => o.reference === noticeId);
    const theirs = (await openObligations(stores)).filter((o) => o.reference === noticeId);
    expect(ours.map((o) => ({ kind: o.kind, owedBy: o.owedBy, owedTo: o.owedTo, overdue: o.overdue })))
      .toEqual(theirs.map((o) => ({ kind: o.kind, owedBy: o.owedBy, owedTo: o.owedTo, overdue: o.overdue })));

    // One escalation, although the platform sends it to two audiences (the owner and the sender).
    const ourEscalations = ((await (await fetch(new URL("/api/escalations", consoleApp.url), { headers: coordinator })).json()) as { items: { escalationId: string; reference: string; audiences: string[] }[] }).items
      .filter((e) => e.reference === noticeId);
    const theirEscalations = (await escalations(stores)).filter((e) => e.reference === noticeId);
    expect(ourEscalations.map((e) => e.escalationId)).toEqual(theirEscalations.map((e) => e.escalationId));
    expect(ourEscalations[0]!.audiences.sort()).toEqual(["fed-ocam", "vilvoorde"]);
  });

  it("console services - the platform coordinator's triage queue shows a signal with its proposal, takes a decision, and charts the signals", async () => {
    const raised = await raiseSignal(local.bus("vilvoorde"), { kind: "incident", severity: "high", escalate: true, extremismForms: ["far-right"], title: "Graffiti at a place of worship", description: "Far-right symbols; police informed." });
    const queue = await waitFor(async () => {
      const page = await fetch(new URL("/signals", consoleApp.url), { headers: coordinator });
      const text = await page.text();
      return page.status === 200 && text.includes(raised.signalId) ? text : undefined;
    }, { what: "the signal in the console's triage queue" });
    expect(queue).toMatch(/Graffiti at a place of worship/);
    expect((await fetch(new URL("/signals", consoleApp.url), { headers: liaison })).status).toBe(403);
    const triage = (headers: Record<string, string>) => fetch(new URL(`/api/signals/${raised.signalId}/triage`, consoleApp.url), {
      method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ decision: "monitor", reason: "Local follow-up suffices; keep watching." }),
    });
    expect((await triage(liaison)).status).toBe(403);
    const decided = await triage(coordinator);
    expect(decided.status).toBe(201);
    expect(await decided.json()).toMatchObject({ decision: "monitor", state: "monitoring", to: ["vilvoorde"] });
    expect(await (await fetch(new URL(`/signals/${raised.signalId}`, consoleApp.url), { headers: coordinator })).text()).toMatch(/data-decision="monitor"/);
    expect((await fetch(new URL("/signals/not-a-signal", consoleApp.url), { headers: coordinator })).status).toBe(404);
    // Asked for information, the raiser answers; the item page shows the answer, and the signal is open again.
    const ask = await fetch(new URL(`/api/signals/${raised.signalId}/triage`, consoleApp.url), {
      method: "POST", headers: { "content-type": "application/json", ...coordinator }, body: JSON.stringify({ decision: "ask-info", reason: "Were there earlier incidents?" }),
    });
    expect(ask.status).toBe(201);
    await waitFor(async () => (await signals(local.bus("vilvoorde"))).find((x) => x.signalId === raised.signalId)?.routing?.some((r) => r.decision === "ask-info"), { what: "the question at vilvoorde" });
    await provideSignalInformation(local.bus("vilvoorde"), { signalId: raised.signalId, information: "Twice before, in October." });
    const item = await waitFor(async () => {
      const text = await (await fetch(new URL(`/signals/${raised.signalId}`, consoleApp.url), { headers: coordinator })).text();
      return text.includes("data-information=") ? text : undefined;
    }, { what: "the answer on the console's item page" });
    expect(item).toMatch(/Information from vilvoorde, .*: Twice before, in October\./);
    const chart = await (await fetch(new URL("/signals/stats", consoleApp.url), { headers: coordinator })).text();
    expect(chart).toMatch(/<svg class="bars"[^>]*role="img"/);
    expect(chart).toMatch(/data-key="vlaams-brabant" data-count="1"/);
  });
});
