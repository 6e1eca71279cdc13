/**
 * `schakel signal` end to end, against a real secured bus with the services of the organisations
 * taking part running: a neighbour's signal listed and acknowledged; a signal to the platform
 * listed in the triage queue with its proposal; a triage refused without a coordinator signed in
 * (nothing sent), then decided by one; the partner acknowledging and reporting back; the raiser
 * answering a request for information; the picture of polarisation per province; bad input
 * refused with exit 2.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { startOrganisationServices, type OrganisationServices } from "@schakel/stack";
import { removeSession } from "../src/session/store.ts";
import { runInProcess, type CliResult } from "./support/run-cli.ts";
import { signInAt } from "./support/sign-in.ts";

interface Queued { signalId: string; state: string; proposal?: { decision: string; partner?: string }; decisions: { decision: string; partner?: string; actor?: { role: string } }[]; reportBack?: { by: string } }
interface Own { signalId: string; direction: string; acknowledgement?: { by: string }; routing?: { decision: string; partner?: string }[]; reportBack?: { outcome: string } }

describe("cli - schakel signal", () => {
  let s: SchakelServer;
  const services: OrganisationServices[] = [];
  const cli = (...args: string[]): Promise<CliResult> => runInProcess(["--data", s.dataDir, "--server", s.url, "--wait", "0", ...args]);
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, "--json");
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  const signIn = (person: string): void => signInAt(s.dataDir, person);

  beforeAll(async () => {
    s = await startSchakelServer();
    for (const org of ["vpr", "vilvoorde", "mechelen", "fed-police"]) {
      services.push(await startOrganisationServices({ org, servers: [s.url], credentials: s.identities.organisations.get(org)!, directory: s.directory, dataDir: s.dataDir }));
    }
  });
  afterAll(async () => {
    removeSession(s.dataDir);
    for (const svc of services) await svc.stop();
    await s?.cleanup();
  });

  it("signal - a neighbour's signal is listed at the neighbour and acknowledged; the raiser sees the acknowledgement", async () => {
    const raised = await json<{ signalId: string }>("signal", "raise", "--as", "vilvoorde", "--to", "mechelen", "--kind", "tension", "--severity", "medium",
      "--title", "Tension after a football match", "--description", "Supporters clashed near the border of both towns.");
    await waitFor(async () => (await json<Own[]>("signal", "list", "--as", "mechelen")).find((x) => x.signalId === raised.signalId), { what: "the signal at mechelen" });
    expect(await json<{ outcome: string; to: string }>("signal", "ack", raised.signalId, "--as", "mechelen", "--remark", "Prevention officer informed")).toMatchObject({ outcome: "acknowledged", to: "vilvoorde" });
    const own = await waitFor(async () => (await json<Own[]>("signal", "list", "--as", "vilvoorde")).find((x) => x.signalId === raised.signalId && x.acknowledgement), { what: "the acknowledgement at vilvoorde" });
    expect(own).toMatchObject({ direction: "raised", acknowledgement: { by: "mechelen" } });
    const unknown = await cli("signal", "ack", raised.signalId, "--as", "fed-police");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no signal .* addressed or forwarded to fed-police/);
  });

  it("signal - triage: the queue shows the proposal; only a signed-in platform coordinator decides; the partner acknowledges and reports back", async () => {
    const raised = await json<{ signalId: string }>("signal", "raise", "--as", "vilvoorde", "--escalate", "--kind", "incident", "--severity", "high", "--forms", "far-right",
      "--title", "Threatening graffiti at a place of worship", "--description", "Far-right symbols on the walls; police informed.");
    const queued = await waitFor(async () => (await json<Queued[]>("signal", "list", "--as", "vpr", "--state", "open")).find((i) => i.signalId === raised.signalId), { what: "the queue item" });
    expect(queued.proposal).toMatchObject({ decision: "forward", partner: "fed-police" });
    const human = await cli("signal", "list", "--as", "vpr");
    expect(human.stdout).toMatch(new RegExp(`open\\s+${raised.signalId}.*proposed: forward to fed-police`));

    const triage = ["signal", "triage", raised.signalId, "--decision", "forward", "--partner", "fed-police", "--reason", "The police follow up.", "--report-back-by", "7d"];
    const noOne = await cli(...triage);
    expect([noOne.code, noOne.stderr]).toEqual([2, expect.stringMatching(/platform coordinator's: sign in first/)]);
    signIn("t.wouters");
    const operator = await cli(...triage);
    expect([operator.code, operator.stderr]).toEqual([2, expect.stringMatching(/holds operator, and to decide on a signal in the triage queue a person needs platform-coordinator/)]);
    signIn("e.janssens");
    expect((await cli("signal", "triage", raised.signalId, "--decision", "frw", "--reason", "x")).code).toBe(2);
    expect((await cli("signal", "triage", raised.signalId, "--decision", "monitor", "--partner", "fed-police", "--reason", "watch it")).code).toBe(2);
    expect(await storedOfType(await s.jsm(), "signal.triaged")).toEqual([]);
    const decided = await json<{ decision: string; state: string; to: string[]; actor: { person: string } }>(...triage);
    expect(decided).toMatchObject({ decision: "forward", state: "forwarded", to: ["vilvoorde", "fed-police"], actor: { person: "e.janssens" } });
    removeSession(s.dataDir);

    const shown = await json<Queued>("signal", "show", raised.signalId, "--as", "vpr");
    expect(shown.decisions).toMatchObject([{ decision: "forward", partner: "fed-police", actor: { role: "platform-coordinator" } }]);
    await waitFor(async () => (await json<Own[]>("signal", "list", "--as", "fed-police")).find((x) => x.signalId === raised.signalId), { what: "the forwarded signal at fed-police" });
    expect(await json<{ to: string }>("signal", "ack", raised.signalId, "--as", "fed-police")).toMatchObject({ to: "vpr" });
    expect(await json<{ to: string[] }>("signal", "report-back", raised.signalId, "--as", "fed-police", "--outcome", "Patrols increased; no further incidents.")).toMatchObject({ to: ["vpr", "vilvoorde"] });
    const atRaiser = await waitFor(async () => (await json<Own[]>("signal", "list", "--as", "vilvoorde")).find((x) => x.signalId === raised.signalId && x.reportBack), { what: "the report at vilvoorde" });
    expect(atRaiser.routing).toMatchObject([{ decision: "forward", partner: "fed-police" }]);
    expect(atRaiser.reportBack?.outcome).toBe("Patrols increased; no further incidents.");
    const shownRaiser = await cli("signal", "show", raised.signalId, "--as", "vilvoorde");
    expect(shownRaiser.stdout).toMatch(/routing .*forward.* to fed-police/);
  });

  it("signal - stats: per month, municipality, province, kind and form; bad input exits 2", async () => {
    const stats = await waitFor(async () => {
      const st = await json<{ total: number; byMunicipality: Record<string, number>; byProvince: Record<string, number>; byForm: Record<string, number> }>("signal", "stats");
      return st.total >= 2 ? st : undefined;
    }, { what: "two signals counted" });
    expect(stats.byMunicipality).toEqual({ vilvoorde: 2 });
    expect(stats.byProvince).toEqual({ "vlaams-brabant": 2 });
    expect(stats.byForm).toEqual({ "far-right": 1, none: 1 });
    const human = await cli("signal", "stats");
    expect(human.stdout).toMatch(/per province\n\s+vlaams-brabant\s+2/);
    expect((await cli("signal", "stats", "--from", "last week")).code).toBe(2);
    expect((await cli("signal", "show", "not-an-id", "--as", "vpr")).code).toBe(2);
    expect((await cli("signal", "list", "--as", "mechelen", "--state", "open")).code).toBe(2);
  });

  it("signal - info: the raiser answers the platform's question, signed by the person; the queue item is open again with the information", async () => {
    const raised = await json<{ signalId: string }>("signal", "raise", "--as", "mechelen", "--kind", "tension", "--severity", "low",
      "--title", "Tension around a youth centre", "--description", "Repeated confrontations in the evening.");
    await waitFor(async () => (await json<Queued[]>("signal", "list", "--as", "vpr", "--state", "open")).find((i) => i.signalId === raised.signalId), { what: "the queue item" });
    const early = await cli("signal", "info", raised.signalId, "--as", "mechelen", "--information", "Nobody asked yet.");
    expect([early.code, early.stderr]).toEqual([2, expect.stringMatching(/has not asked for information/)]);
    signIn("e.janssens");
    await json("signal", "triage", raised.signalId, "--decision", "ask-info", "--reason", "Since when, and how often?");
    removeSession(s.dataDir);
    await waitFor(async () => (await json<Own[]>("signal", "list", "--as", "mechelen")).find((x) => x.signalId === raised.signalId && x.routing?.length), { what: "the question at mechelen" });
    expect((await cli("signal", "show", raised.signalId, "--as", "mechelen")).stdout).toContain(`schakel signal info ${raised.signalId} --as mechelen`);
    expect((await cli("signal", "info", raised.signalId, "--as", "mechelen", "--information", "x")).code).toBe(2);
    signIn("m.peeters");
    const answered = await json<{ to: string; duplicate: boolean; actor: { person: string; role: string } }>("signal", "info", raised.signalId, "--as", "mechelen", "--information", "Since September, twice a week.");
    removeSession(s.dataDir);
    expect(answered).toMatchObject({ to: "vpr", duplicate: false, actor: { person: "m.peeters", role: "livc-member" } });
    const item = await waitFor(async () => {
      const i = await json<Queued & { information?: { information: string }[] }>("signal", "show", raised.signalId, "--as", "vpr");
      return i.information?.length ? i : undefined;
    }, { what: "the information on the queue item" });
    expect(item).toMatchObject({ state: "open", information: [{ information: "Since September, twice a week." }] });
    expect((await cli("signal", "show", raised.signalId, "--as", "vpr")).stdout).toMatch(/information from mechelen .*: Since September, twice a week\./);
  });
});
