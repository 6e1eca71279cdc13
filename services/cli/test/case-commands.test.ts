/**
 * `schakel livc` and `schakel case` end to end, against a real secured bus with the services of the
 * organisations taking part running (they record what reaches them): mechelen sets its LIVC-R,
 * opens a case, consults a member (a non-member is refused, named, and nothing is sent), the member
 * answers, the plan's task is reported on, the case is shown (the content opened, the read recorded
 * first, with the signed-in person) and listed (metadata only; the case references shown recorded as
 * reads), then closed (a reason outside the list is refused).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { startOrganisationServices, type OrganisationServices } from "@schakel/stack";
import type { MessageType } from "@schakel/contracts";
import { removeSession } from "../src/session/store.ts";
import { runInProcess, type CliResult } from "./support/run-cli.ts";
import { signInAt } from "./support/sign-in.ts";

const CASE = "LIVC-MECH-2026-0301";

interface Row { caseRef: string; livc: string; participants: string[]; planVersion: number | null; tasks: { taskId: string; owner: string; dueBy: string; reportedAt: string | null }[]; closed: { reason: string } | null }
type Text = { text: string; correctedAt: string | null } | null;
interface Shown { case: Row; summary: Text; tasks: { taskId: string; owner: string; task: Text; report: { text: Text } | null }[]; consultations: { consultationId: string; direction: string; content: { question?: string }; answers: { from: string; content: { answer?: string } }[] }[] }
interface ReadData { person?: string; role?: string; organisation: string; interface: string; kind: string; purpose: string; caseRef?: string; messageIds: string[] }

describe("cli - schakel livc and schakel case", () => {
  let s: SchakelServer;
  const services: OrganisationServices[] = [];
  const cli = (...args: string[]): Promise<CliResult> => runInProcess(["--data", s.dataDir, "--server", s.url, "--wait", "0", ...args]);
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, "--json");
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  const stored = async (type: MessageType, sender: string): Promise<number> => (await storedOfType(await s.jsm(), type, sender)).length;
  /** A command refused as bad input: exit 2, the stderr line matching `names`, and no message of `type` sent. */
  const refused = async (type: MessageType, sender: string, names: RegExp, ...args: string[]): Promise<void> => {
    const before = await stored(type, sender);
    const r = await cli(...args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(names);
    expect(await stored(type, sender)).toBe(before);
  };
  /** Signs `person` in at the command line, as `schakel login` leaves it (an hour's session). */
  const signIn = (person: string): void => signInAt(s.dataDir, person);
  let consultationId = "";
  let policeTask = "";

  beforeAll(async () => {
    s = await startSchakelServer();
    for (const org of ["mechelen", "antwerpen", "fed-police"]) {
      services.push(await startOrganisationServices({ org, servers: [s.url], credentials: s.identities.organisations.get(org)!, directory: s.directory, dataDir: s.dataDir }));
    }
  });
  afterAll(async () => {
    for (const svc of services) await svc.stop();
    await s?.cleanup();
  });

  it("livc - set names a bad member and sends nothing; set adds the municipality as chair; members show every version", async () => {
    await refused("livc.composition.set", "mechelen", /--member fed-police: "fed-police" has no persons in role livc-coordinator/, "livc", "set", "--as", "mechelen", "--member", "fed-police:livc-coordinator");
    await refused("livc.composition.set", "mechelen", /--member: unknown organisation "nowhere"/, "livc", "set", "--as", "mechelen", "--member", "nowhere:liaison");
    await refused("livc.composition.set", "fed-police", /may not send livc.composition.set/, "livc", "set", "--as", "fed-police", "--member", "mechelen:livc-member");
    const set = await json<{ version: number; members: { org: string; roles: string[] }[] }>(
      "livc", "set", "--as", "mechelen", "--member", "antwerpen:livc-member", "--member", "fed-police:liaison");
    expect(set.version).toBe(1);
    expect(set.members).toEqual([
      { org: "mechelen", roles: ["livc-coordinator", "livc-member"] }, { org: "antwerpen", roles: ["livc-member"] }, { org: "fed-police", roles: ["liaison"] },
    ]);
    const known = await waitFor(async () => {
      const r = await cli("livc", "show", "mechelen", "--as", "fed-police", "--json");
      return r.code === 0 ? (JSON.parse(r.stdout) as { municipality: string; versions: { version: number; members: unknown[] }[] }[]) : undefined;
    }, { what: "mechelen's composition at fed-police" });
    expect(known).toMatchObject([{ municipality: "mechelen", versions: [{ version: 1, members: set.members }] }]);
    const human = await cli("livc", "show", "--as", "mechelen");
    expect(human.stdout).toMatch(/LIVC-R of mechelen\n {2}v1 \(in force\) effective from .*\n {4}mechelen \(livc-coordinator, livc-member\)/);
    expect((await cli("livc", "show", "mechelen", "--as", "vilvoorde")).code).toBe(2);
  });

  it("case - open, consult (a non-member is refused, named, nothing sent), answer, plan, report", async () => {
    await refused("case.opened", "mechelen", /"vilvoorde" is not a member of the LIVC-R of mechelen/, "case", "open", CASE, "--as", "mechelen", "--with", "antwerpen,vilvoorde", "--summary", "x");
    await refused("case.opened", "mechelen", /CASE_REF "Jan Peeters" is not a case reference/, "case", "open", "Jan Peeters", "--as", "mechelen", "--with", "antwerpen", "--summary", "x");
    const opened = await json<{ participants: string[]; compositionVersion: number }>(
      "case", "open", CASE, "--as", "mechelen", "--with", "antwerpen,fed-police", "--summary", "Young adult back from detention.");
    expect(opened).toMatchObject({ participants: ["mechelen", "antwerpen", "fed-police"], compositionVersion: 1 });

    await refused("case.consultation.requested", "mechelen", /"vilvoorde" is not a member of the LIVC-R of mechelen/,
      "case", "consult", CASE, "--as", "mechelen", "--to", "vilvoorde", "--question", "Known to you?");
    await refused("case.consultation.requested", "mechelen", /--purpose "transfer" is not one of consultation, follow-up/,
      "case", "consult", CASE, "--as", "mechelen", "--to", "fed-police", "--question", "Known to you?", "--purpose", "transfer");
    const asked = await json<{ consultationId: string; to: string[]; respondBy: string | null }>(
      "case", "consult", CASE, "--as", "mechelen", "--to", "fed-police", "--question", "Any new information?", "--respond-by", "2d");
    expect(asked.to).toEqual(["fed-police"]);
    expect(Date.parse(asked.respondBy!)).toBeGreaterThan(Date.now() + 86_400_000);
    consultationId = asked.consultationId;

    const answered = await waitFor(async () => {
      const r = await cli("case", "answer", consultationId, "--as", "fed-police", "--answer", "Nothing new.", "--json");
      if (r.code === 2 && /has reached fed-police/.test(r.stderr)) return undefined; // its service has not recorded it yet
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { to: string; duplicate: boolean };
    }, { what: "the consultation at fed-police" });
    expect(answered).toMatchObject({ to: "mechelen", duplicate: false });

    await refused("case.plan.set", "mechelen", /--task "fed-police" is not <owner>:<deadline>:<text>/, "case", "plan", CASE, "--as", "mechelen", "--task", "fed-police");
    await refused("case.plan.set", "mechelen", /--task fed-police "2026-12-31T17:00" has no time zone/, "case", "plan", CASE, "--as", "mechelen", "--task", "fed-police:2026-12-31T17:00:Visit");
    await refused("case.plan.set", "mechelen", /task owner "vilvoorde" does not take part in case/, "case", "plan", CASE, "--as", "mechelen", "--task", "vilvoorde:7d:Visit");
    const far = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const plan = await json<{ planVersion: number; tasks: { taskId: string; owner: string; dueBy: string }[] }>("case", "plan", CASE, "--as", "mechelen",
      "--task", "fed-police:14d:Check in with the neighbourhood officer.", "--task", `antwerpen:${far}:Contact the school.`);
    expect(plan.planVersion).toBe(1);
    expect(plan.tasks.map((t) => t.owner)).toEqual(["fed-police", "antwerpen"]);
    expect(plan.tasks[1]!.dueBy).toBe(far);
    policeTask = plan.tasks[0]!.taskId;

    await waitFor(async () => (await json<Row[]>("case", "list", "--as", "antwerpen")).find((r) => r.planVersion === 1), { what: "the plan at antwerpen" });
    await refused("case.task.reported", "antwerpen", /is owned by "fed-police"/, "case", "report-back", CASE, policeTask, "--as", "antwerpen", "--report", "Not mine.");
    const reported = await waitFor(async () => {
      const r = await cli("case", "report-back", CASE, policeTask, "--as", "fed-police", "--report", "Visited; the family is cooperating.", "--json");
      if (r.code === 2 && /has no task|no case \S+ is known/.test(r.stderr)) return undefined; // fed-police's service has not recorded the plan yet
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { taskId: string };
    }, { what: "the plan at fed-police" });
    expect(reported.taskId).toBe(policeTask);
  });

  it("case - show opens the content sealed to the member, the read recorded first with the signed-in person; list shows metadata only, each case shown recorded as a read", async () => {
    signIn("l.peeters");
    try {
      const shown = await waitFor(async () => {
        const v = await json<Shown>("case", "show", CASE, "--as", "mechelen");
        return v.tasks.some((t) => t.report?.text) && v.consultations[0]?.answers.length ? v : undefined;
      }, { what: "the report and the answer at mechelen" });
      expect(shown.summary).toEqual({ text: "Young adult back from detention.", correctedAt: null });
      expect(shown.tasks.map((t) => [t.owner, t.task?.text, t.report?.text?.text ?? null])).toEqual([
        ["fed-police", "Check in with the neighbourhood officer.", "Visited; the family is cooperating."],
        ["antwerpen", "Contact the school.", null],
      ]);
      expect(shown.consultations).toMatchObject([{ consultationId, direction: "outgoing", content: { question: "Any new information?" }, answers: [{ from: "fed-police", content: { answer: "Nothing new." } }] }]);
      const reads = (await storedOfType<ReadData>(await s.jsm(), "read.recorded", "mechelen")).map((m) => m.envelope.data);
      expect(reads).toContainEqual(expect.objectContaining({ person: "l.peeters", role: "livc-coordinator", interface: "cli", kind: "case-content", purpose: "schakel case show", caseRef: CASE }));

      // Acting as another organisation than the signed-in person's is refused before anything is sent.
      await refused("case.task.reported", "fed-police", /cannot act as fed-police/, "case", "report-back", CASE, policeTask, "--as", "fed-police", "--report", "Again.");
    } finally {
      removeSession(s.dataDir);
    }
    // fed-police opens what is sealed to it: the summary, every task, its own report (as an operator without a sign-in).
    const police = await json<Shown>("case", "show", CASE, "--as", "fed-police");
    expect(police.summary?.text).toBe("Young adult back from detention.");
    expect(police.tasks.find((t) => t.taskId === policeTask)?.report?.text?.text).toBe("Visited; the family is cooperating.");
    // antwerpen opens the summary and the tasks; fed-police's report was never sent to it.
    const antwerpen = await waitFor(async () => {
      const r = await cli("case", "show", CASE, "--as", "antwerpen");
      return r.code === 0 ? r.stdout : undefined;
    }, { what: "the case opened at antwerpen" });
    expect(antwerpen).toMatch(/summary: Young adult back from detention\.\n/);
    expect(antwerpen).toMatch(/task \S+ for fed-police, due \S+: Check in with the neighbourhood officer\./);
    expect(antwerpen).not.toContain("Visited");
    const policeReads = (await storedOfType<ReadData>(await s.jsm(), "read.recorded", "fed-police")).map((m) => m.envelope.data);
    expect(policeReads).toContainEqual(expect.objectContaining({ role: "operator", kind: "case-content", caseRef: CASE }));

    const before = await stored("read.recorded", "antwerpen");
    const rows = await json<Row[]>("case", "list", "--as", "antwerpen");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ caseRef: CASE, livc: "mechelen", participants: ["mechelen", "antwerpen", "fed-police"], planVersion: 1, closed: null });
    expect(rows[0]!.tasks.map((t) => [t.owner, t.reportedAt === null])).toEqual([["fed-police", true], ["antwerpen", true]]);
    expect(JSON.stringify(rows)).not.toMatch(/Young adult|neighbourhood officer|cooperating/);
    // No content was opened; the case reference shown is recorded as a read of a record.
    const listed = (await storedOfType<ReadData>(await s.jsm(), "read.recorded", "antwerpen")).slice(before).map((m) => m.envelope.data);
    expect(listed).toEqual([expect.objectContaining({ role: "operator", kind: "record", purpose: "schakel case list", caseRef: CASE })]);
    expect((await cli("case", "show", "LIVC-MECH-2026-0999", "--as", "mechelen")).code).toBe(2);
  });

  it("case - signed-in persons consult, answer and close as actors (a reason outside the list refused); the members see it closed", async () => {
    await refused("case.closed", "mechelen", /--reason "solved" is not one of goal-reached, no-concern/, "case", "close", CASE, "--as", "mechelen", "--reason", "solved");
    signIn("l.peeters");
    try {
      const asked = await json<{ consultationId: string; copies: { id: string }[]; actor: unknown }>(
        "case", "consult", CASE, "--as", "mechelen", "--to", "antwerpen", "--question", "Before we close: anything open?", "--purpose", "follow-up");
      expect(asked.actor).toEqual({ person: "l.peeters", role: "livc-coordinator" });
      const copy = (await storedOfType(await s.jsm(), "case.consultation.requested", "mechelen")).find((m) => m.envelope.id === asked.copies[0]!.id);
      expect(copy?.envelope).toMatchObject({ actorrole: "livc-coordinator", actor: expect.stringMatching(/^p-/), data: { purpose: "follow-up" } });
      signIn("k.claes");
      const answered = await waitFor(async () => {
        const r = await cli("case", "answer", asked.consultationId, "--as", "antwerpen", "--answer", "Nothing open.", "--json");
        if (r.code === 2 && /has reached antwerpen/.test(r.stderr)) return undefined; // its service has not recorded it yet
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as { id: string; actor: unknown };
      }, { what: "the consultation at antwerpen" });
      expect(answered.actor).toEqual({ person: "k.claes", role: "livc-member" });
      const answer = (await storedOfType(await s.jsm(), "case.consultation.responded", "antwerpen")).find((m) => m.envelope.id === answered.id);
      expect(answer?.envelope).toMatchObject({ actorrole: "livc-member", data: { purpose: "follow-up" } });
      signIn("l.peeters");
      expect(await json<{ reason: string; actor: unknown }>("case", "close", CASE, "--as", "mechelen", "--reason", "goal-reached"))
        .toMatchObject({ reason: "goal-reached", actor: { person: "l.peeters", role: "livc-coordinator" } });
    } finally {
      removeSession(s.dataDir);
    }
    const closed = await storedOfType<{ caseRef: string }>(await s.jsm(), "case.closed", "mechelen");
    expect(closed.length).toBeGreaterThan(0);
    for (const m of closed) expect(m.envelope).toMatchObject({ actorrole: "livc-coordinator", actor: expect.stringMatching(/^p-/) });
    await waitFor(async () => (await json<Row[]>("case", "list", "--as", "fed-police")).find((r) => r.caseRef === CASE && r.closed?.reason === "goal-reached"),
      { what: "the case closed at fed-police" });
    const human = await cli("case", "list", "--as", "mechelen");
    expect(human.stdout).toMatch(new RegExp(`${CASE} LIVC-R mechelen \\(v1\\) opened .* — closed \\(goal-reached\\)`));
  });
  it("case - transfer hands a case over to another municipality only, and closes it here as moved-away", async () => {
    const moving = "LIVC-MECH-2026-0302";
    await json("case", "open", moving, "--as", "mechelen", "--with", "antwerpen", "--summary", "Moving to Vilvoorde next month.");
    await refused("case.transferred", "mechelen", /--to fed-police: "fed-police" is not another municipality/, "case", "transfer", moving, "--as", "mechelen", "--to", "fed-police", "--handover", "x");
    const sent = await json<{ to: string; messageId: string }>("case", "transfer", moving, "--as", "mechelen", "--to", "vilvoorde", "--handover", "Follow-up plan and contacts.");
    const stored_ = (await storedOfType<{ sealed: { recipients: { org: string }[] } }>(await s.jsm(), "case.transferred", "mechelen")).find((m) => m.envelope.id === sent.messageId);
    expect(stored_?.envelope.audience).toBe("vilvoorde");
    expect(stored_?.envelope.data.sealed.recipients.map((r) => r.org)).toEqual(["vilvoorde"]);
    const row = (await json<Row[]>("case", "list", "--as", "mechelen")).find((r) => r.caseRef === moving);
    expect(row).toMatchObject({ transferred: { to: "vilvoorde" }, closed: { reason: "moved-away" } });
  });

  it("case - the author corrects, the access report lists what is held, and after erasure nothing opens", async () => {
    await refused("case.corrected", "fed-police", /written by "mechelen": only its author corrects it/, "case", "correct", CASE, "--as", "fed-police", "--field", "summary", "--text", "x");
    await refused("case.corrected", "mechelen", /--field "name" is not one of summary, task, report/, "case", "correct", CASE, "--as", "mechelen", "--field", "name", "--text", "x");
    await json("case", "correct", CASE, "--as", "mechelen", "--field", "summary", "--text", "Young adult back from detention; lives with an aunt.");
    const corrected = await waitFor(async () => {
      const shown = await json<Shown>("case", "show", CASE, "--as", "antwerpen");
      return shown.summary?.correctedAt ? shown : undefined;
    }, { what: "the correction at antwerpen" });
    expect(corrected.summary?.text).toBe("Young adult back from detention; lives with an aunt.");

    type Report = { livc: string; keyHeld: boolean; events: { what: string; by?: string }[]; erased?: { reason: string }; reads: unknown[] | null };
    const before = await json<Report>("case", "report", CASE, "--as", "mechelen");
    expect(before).toMatchObject({ livc: "mechelen", keyHeld: true, reads: null });
    expect(before.events.map((e) => e.what)).toEqual(expect.arrayContaining(["opened", "summary corrected", "closed (goal-reached)"]));
    expect(JSON.stringify(before)).not.toMatch(/Young adult|aunt/);

    await refused("case.erased", "mechelen", /--reason "forgotten" is not one of requested, retention/, "case", "erase", CASE, "--as", "mechelen", "--reason", "forgotten");
    const erased = await json<{ participants: string[]; keyId: string }>("case", "erase", CASE, "--as", "mechelen", "--reason", "requested", "--note", "access and erasure request");
    expect(erased.participants).toEqual(["mechelen", "antwerpen", "fed-police"]);
    for (const org of ["antwerpen", "fed-police"]) {
      const r = await waitFor(async () => {
        const shown = await cli("case", "show", CASE, "--as", org);
        return shown.code === 0 ? undefined : shown;
      }, { what: `the erasure at ${org}` });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/was erased/);
    }
    const after = await json<Report>("case", "report", CASE, "--as", "mechelen");
    expect(after).toMatchObject({ keyHeld: false, erased: { reason: "requested" } });
  });
});
