/**
 * The console's read audit against a real bus: a person who views a notice that carries a case
 * reference, or any trace, is recorded in READS (person, organisation, role, interface, message
 * ids, case) before the answer is sent; a notice without a case reference records nothing; live
 * streams never push a case reference.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReadRecorded } from "@schakel/contracts";
import { postNotice } from "@schakel/organisation";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { startConsole, type RunningConsole } from "../src/mod.ts";
import { bearer, demoPersons, tokenFor } from "./sign-in.ts";

let bus: SchakelServer;
let consoleApp: RunningConsole;
let token: string;
const CASE = "LIVC-MECH-2026-0117";

const reads = async (): Promise<ReadRecorded[]> => (await storedOfType<ReadRecorded>(await bus.jsm(), "read.recorded")).map((m) => m.envelope.data);
const get = (path: string): Promise<Response> => fetch(new URL(path, consoleApp.url), { headers: bearer(token) });

beforeAll(async () => {
  bus = await startSchakelServer();
  token = tokenFor(bus, "m.peeters");
  consoleApp = await startConsole({ servers: bus.url, dataDir: bus.dataDir, signIn: { apiTokensOnly: true, persons: demoPersons(bus) }, onNote: () => undefined });
  await consoleApp.caughtUp;
});
afterAll(async () => {
  await consoleApp?.stop();
  await bus?.cleanup();
});

describe("console read audit", () => {
  it("console read audit - viewing a notice about a case and its trace is recorded for the person; a notice without a case records nothing", async () => {
    const ocam = await bus.connectAs("fed-ocam");
    const about = await postNotice(ocam, { to: ["mechelen"], title: "Release of a detainee", body: "Released next week.", category: "detainee-release", caseRef: CASE });
    const plain = await postNotice(ocam, { to: ["mechelen"], title: "Event warning", body: "A large gathering.", category: "event-warning" });
    await waitFor(() => consoleApp.model.notices.notices.get(plain.noticeId)?.known === true && consoleApp.model.notices.notices.get(about.noticeId)?.known === true, { what: "both notices in the console" });

    expect((await get(`/api/notices/${plain.noticeId}`)).status).toBe(200);
    expect(await reads()).toEqual([]);

    expect((await get(`/api/notices/${about.noticeId}`)).status).toBe(200);
    const [detail] = await reads();
    expect(detail).toMatchObject({ person: "m.peeters", organisation: "mechelen", role: "livc-member", interface: "console", kind: "notice", caseRef: CASE, messageIds: [about.copies[0]!.id] });

    expect((await get(`/traces/${about.traceId}`)).status).toBe(200);
    const trace = (await reads()).find((r) => r.kind === "trace");
    expect(trace).toMatchObject({ person: "m.peeters", organisation: "mechelen", interface: "console", caseRef: CASE, purpose: "trace" });
    expect(trace!.messageIds).toContain(about.copies[0]!.id);
  });

  it("console read audit - the live stream pushes a record about a case without its case reference", async () => {
    const controller = new AbortController();
    const res = await fetch(new URL("/api/stream", consoleApp.url), { headers: bearer(token), signal: controller.signal });
    const reader = res.body!.getReader();
    let text = "";
    const ocam = await bus.connectAs("fed-ocam");
    await postNotice(ocam, { to: ["mechelen"], title: "Second release", body: "Also next week.", category: "detainee-release", caseRef: CASE });
    while (!text.includes("Second release")) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain("Second release");
    expect(text).not.toContain(CASE);
  });
});
