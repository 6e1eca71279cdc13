/**
 * Case work that is lawful by construction, on a real server with the level services running:
 * the LIVC-R composition set by its municipality, recipients checked against it at both ends
 * (the sending client names a non-member; every receiver files a message naming one as
 * not-a-member), the legal basis and purpose on every case message, and the case's lifecycle —
 * open, consult and answer, a follow-up plan whose missed task is escalated, a report, closing
 * and a hand-over to another municipality's LIVC-R.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterSubject, SchakelError, STREAMS } from "@schakel/contracts";
import { HEADERS, open, seal } from "@schakel/contracts/bus";
import { federalService } from "@schakel/federal";
import { flemishService } from "@schakel/flemish";
import { startSchakelServer, storedMessages, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { localService } from "@schakel/local";
import {
  caseFiles, caseKeysOf, caseReport, closeCase, openNoticePerson, postNotice, receivedNotices, correctCase, eraseCase, openContent, openCase, openCaseConsultation, openCaseFile, orgState, reportCaseTask, requestCaseConsultation, respondToCaseConsultation,
  setCasePlan, setLivcComposition, transferCase,
} from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { obligationKey, openPlatformStores, type PlatformStores } from "../src/mod.ts";

const quiet = (service: string) => createLogger({ service, level: "silent" });
const CASE = "LIVC-MECH-2026-0101";

/** The dead letters `org` filed with `reason`, by original message id. */
async function deadLetters(s: SchakelServer, org: string, reason: string): Promise<{ id: string; reason: string | undefined }[]> {
  const jsm = await s.jsm();
  const filed = await storedMessages<unknown>(jsm, deadLetterSubject(org, reason), STREAMS.deadletter.name);
  return Promise.all(filed.map(async (m) => {
    const raw = await jsm.streams.getMessage(STREAMS.deadletter.name, { seq: m.seq });
    return { id: m.envelope.id, reason: raw?.header.get(HEADERS.reason) };
  }));
}

describe("case work - lawful by construction", () => {
  let s: SchakelServer;
  let local: ServiceHost;
  let federal: ServiceHost;
  let flemish: ServiceHost;
  let stores: PlatformStores;
  beforeAll(async () => {
    s = await startSchakelServer();
    [local, federal, flemish] = await Promise.all([
      // A short case retention, so the retention erasure can be seen here (90 days by default).
      startService(localService, { orgs: ["mechelen", "antwerpen", "vilvoorde"], dataDir: s.dataDir, server: s.url, logger: quiet("local"), options: { caseRetentionMs: 3_000, retentionTickMs: 200 } }),
      startService(federalService, { orgs: ["fed-police", "fed-ocam"], dataDir: s.dataDir, server: s.url, logger: quiet("federal") }),
      startService(flemishService, { orgs: ["vpr"], dataDir: s.dataDir, server: s.url, logger: quiet("flemish"), options: { tickMs: 100 } }),
    ]);
    stores = await openPlatformStores(await s.connectAs("vpr"));
    await setLivcComposition(local.bus("mechelen"), { members: [{ org: "antwerpen", roles: ["livc-member"] }, { org: "fed-police", roles: ["liaison"] }] });
    // The members, the platform and the notice senders (fed-ocam: a liaison, no member) hold it.
    for (const org of ["antwerpen", "vpr", "fed-ocam"]) {
      const bus = org === "vpr" ? flemish.bus("vpr") : org === "fed-ocam" ? federal.bus("fed-ocam") : local.bus(org);
      await waitFor(async () => (await (await orgState(bus)).livc.get("mechelen")) ?? undefined, { what: `mechelen's composition at ${org}` });
    }
  });
  afterAll(async () => {
    await Promise.all([local?.stop(), federal?.stop(), flemish?.stop()]);
    await s?.cleanup();
  });

  it("case - the sending client refuses a non-member of the LIVC-R, naming it, and sends nothing", async () => {
    const mechelen = local.bus("mechelen");
    const before = (await storedOfType(await s.jsm(), "case.opened", "mechelen")).length;
    const refused = await openCase(mechelen, { caseRef: "LIVC-MECH-2026-0100", participants: ["antwerpen", "vilvoorde"], summary: "x" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SchakelError);
    expect((refused as SchakelError).code).toBe("not-allowed");
    expect((refused as SchakelError).message).toContain('"vilvoorde" is not a member of the LIVC-R of mechelen');
    expect((await storedOfType(await s.jsm(), "case.opened", "mechelen")).length).toBe(before);
    await openCase(mechelen, { caseRef: CASE, participants: ["antwerpen", "fed-police"], summary: "Young adult back from detention." });
    const consult = await requestCaseConsultation(mechelen, { caseRef: CASE, recipients: ["vilvoorde"], question: "Known to you?" }).catch((e: unknown) => e);
    expect((consult as SchakelError).details).toMatchObject({ recipient: "vilvoorde", livc: "mechelen" });
  });

  it("case - a case message naming a non-member is filed as not-a-member by the member and by the non-member", async () => {
    const mechelen = local.bus("mechelen");
    // Hand-built, as a client skipping the membership check would send it: the law fields are right, vilvoorde is not a member.
    const sealed = seal({ question: "Known to you?" }, ["antwerpen", "vilvoorde", "mechelen"].map((org) => ({ org, key: mechelen.directory.sealingKeyOf(org) })));
    const data = {
      consultationId: "01938a2e-7c4e-7b1a-9c3f-2a1b3c4d5e6f", caseRef: CASE, recipients: ["antwerpen", "vilvoorde"], sealed,
      livc: "mechelen", compositionVersion: 1, legalBasis: "art-458ter-livc-r" as const, purpose: "consultation" as const,
    };
    const ids = [];
    for (const to of ["antwerpen", "vilvoorde"]) ids.push((await mechelen.publish("case.consultation.requested", data, { to })).id);
    for (const [org, id] of [["antwerpen", ids[0]], ["vilvoorde", ids[1]]] as const) {
      const filed = await waitFor(async () => (await deadLetters(s, org, "not-a-member")).find((d) => d.id === id), { timeoutMs: 15_000, what: `${org}'s dead letter` });
      expect(filed.reason).toBe("not-a-member");
    }
    expect(await openCaseConsultation(local.bus("antwerpen"), data.consultationId)).toBeUndefined();
    expect(await openCaseConsultation(local.bus("vilvoorde"), data.consultationId)).toBeUndefined();
  });

  it("case - a case message without its legal basis, or for another purpose, is refused at the sender naming the field", async () => {
    const mechelen = local.bus("mechelen");
    const sealed = seal({ handover: "x" }, [{ org: "vilvoorde", key: mechelen.directory.sealingKeyOf("vilvoorde") }]);
    const wrong = await mechelen.publish("case.transferred", {
      caseRef: CASE, livc: "mechelen", compositionVersion: 1, legalBasis: "art-458ter-livc-r", purpose: "consultation", toLivc: "vilvoorde", sealed,
    }, { to: "vilvoorde" }).catch((e: unknown) => e);
    expect((wrong as SchakelError).code).toBe("schema");
    expect((wrong as SchakelError).message).toContain("data.purpose");
  });

  it("case - lifecycle: consult and answer, a plan whose missed task escalates, a report, closing ends the case", async () => {
    const [mechelen, antwerpen, police] = [local.bus("mechelen"), local.bus("antwerpen"), federal.bus("fed-police")];
    await waitFor(async () => caseKeysOf(police).get(CASE), { what: "the case key at fed-police" });
    const asked = await requestCaseConsultation(mechelen, { caseRef: CASE, recipients: ["fed-police"], question: "Any new information?" });
    await waitFor(() => openCaseConsultation(police, asked.consultationId), { what: "the consultation at fed-police" });
    expect((await respondToCaseConsultation(police, { consultationId: asked.consultationId, answer: "Nothing new." })).outcome).toBe("answered");
    const answered = await waitFor(async () => (await openCaseConsultation(mechelen, asked.consultationId))?.answers[0], { what: "the answer at mechelen" });
    expect(answered.content.answer).toBe("Nothing new.");

    const plan = await setCasePlan(mechelen, {
      caseRef: CASE, tasks: [
        { owner: "antwerpen", dueBy: new Date(Date.now() + 1_500), task: "Contact the school." },
        { owner: "fed-police", dueBy: new Date(Date.now() + 600_000), task: "Check in with the neighbourhood officer." },
      ],
    });
    const [schoolTask, policeTask] = plan.tasks;
    // antwerpen misses its deadline: the platform escalates, to mechelen and antwerpen, naming no case.
    const missed = await waitFor(async () => {
      const o = await stores.obligations.get(obligationKey("case-task", schoolTask!.taskId, "antwerpen"));
      return o?.value.escalation?.state === "published" ? o.value : undefined;
    }, { timeoutMs: 15_000, what: "the escalation of the missed task" });
    expect(missed).toMatchObject({ owedBy: "antwerpen", owedTo: "mechelen", caseRef: CASE });
    const escalated = (await storedOfType<{ obligation: { reference: string }; summary: string }>(await s.jsm(), "escalation.raised", "vpr"))
      .filter((m) => m.envelope.data.obligation.reference === schoolTask!.taskId);
    expect(escalated.map((m) => m.envelope.audience).sort()).toEqual(["antwerpen", "mechelen"]);
    for (const m of escalated) expect(JSON.stringify(m.envelope.data)).not.toContain(CASE);

    // fed-police reports in time: its obligation closes, mechelen opens the report (and the read is recorded).
    await waitFor(async () => (await caseFiles(police)).find((c) => c.plan?.tasks.length === 2), { what: "the plan at fed-police" });
    await reportCaseTask(police, { caseRef: CASE, taskId: policeTask!.taskId, report: "Visited; the family is cooperating." });
    await waitFor(async () => (await stores.obligations.get(obligationKey("case-task", policeTask!.taskId, "fed-police")))?.value.closedAt, { what: "the task's obligation closed" });
    const opened = await waitFor(async () => {
      const o = await openCaseFile(mechelen, CASE, { person: "l.peeters", role: "livc-coordinator", interface: "cli", purpose: "case follow-up" });
      return o.tasks.find((t) => t.report?.text) ? o : undefined;
    }, { what: "the report at mechelen" });
    expect(opened.summary).toEqual({ text: "Young adult back from detention." });
    expect(opened.tasks.map((t) => [t.owner, t.task?.text, t.report?.text?.text])).toEqual([
      ["antwerpen", "Contact the school.", undefined],
      ["fed-police", "Check in with the neighbourhood officer.", "Visited; the family is cooperating."],
    ]);

    // A correction rectifies the summary without rewriting history; only its author may send one.
    await expect(correctCase(police, { caseRef: CASE, field: "summary", text: "x" })).rejects.toThrow(/written by "mechelen"/);
    await correctCase(mechelen, { caseRef: CASE, field: "summary", text: "Young adult back from detention; lives with an aunt." });
    const corrected = await waitFor(async () => {
      const o = await openCaseFile(antwerpen, CASE);
      return o.summary?.correctedAt ? o : undefined;
    }, { what: "the correction at antwerpen" });
    expect(corrected.summary?.text).toBe("Young adult back from detention; lives with an aunt.");
    // The original stays as it was sent.
    const original = (await caseFiles(antwerpen)).find((c) => c.caseRef === CASE)!;
    expect(openContent(antwerpen, original.sealed, caseKeysOf(antwerpen).get(CASE)).summary).toBe("Young adult back from detention.");
    expect(original.corrections).toHaveLength(1);
    // A person whose role does not take part for mechelen opens nothing.
    await expect(openCaseFile(mechelen, CASE, { person: "x.reader", role: "reader", interface: "cli", purpose: "curiosity" })).rejects.toThrow(/does not take part/);

    await closeCase(mechelen, { caseRef: CASE, reason: "goal-reached" });
    for (const bus of [antwerpen, police]) await waitFor(async () => (await caseFiles(bus)).find((c) => c.caseRef === CASE && c.closed), { what: "the case closed" });
    await expect(setCasePlan(mechelen, { caseRef: CASE, tasks: [{ owner: "antwerpen", dueBy: new Date(Date.now() + 60_000), task: "x" }] })).rejects.toThrow(/was closed/);
  });

  it("case - a hand-over to another municipality's LIVC-R is sealed to that municipality only", async () => {
    const mechelen = local.bus("mechelen");
    await openCase(mechelen, { caseRef: "LIVC-MECH-2026-0102", participants: ["antwerpen"], summary: "Moving to Vilvoorde next month." });
    const sent = await transferCase(mechelen, { caseRef: "LIVC-MECH-2026-0102", to: "vilvoorde", handover: "Follow-up plan and contacts attached." });
    const received = await waitFor(async () => (await (await orgState(local.bus("vilvoorde"))).transfersIn.get("LIVC-MECH-2026-0102"))?.value, { what: "the hand-over at vilvoorde" });
    expect(received).toMatchObject({ from: "mechelen", message: { id: sent.messageId } });
    expect(received.sealed.recipients.map((r) => r.org)).toEqual(["vilvoorde"]);
    const here = (await caseFiles(mechelen)).find((c) => c.caseRef === "LIVC-MECH-2026-0102");
    expect(here).toMatchObject({ transferred: { to: "vilvoorde" }, closed: { reason: "moved-away" } });
  });

  it("case - after erasure no participant holds the key, and no stored copy of the case's content opens again", async () => {
    const REF = "LIVC-MECH-2026-0103";
    const [mechelen, antwerpen, police] = [local.bus("mechelen"), local.bus("antwerpen"), federal.bus("fed-police")];
    await openCase(mechelen, { caseRef: REF, participants: ["antwerpen", "fed-police"], summary: "To be erased on request." });
    for (const bus of [antwerpen, police]) await waitFor(async () => caseKeysOf(bus).get(REF), { what: `the case key at ${bus.org}` });
    const asked = await requestCaseConsultation(mechelen, { caseRef: REF, recipients: ["fed-police"], question: "Anything to add?" });
    await waitFor(() => openCaseConsultation(police, asked.consultationId), { what: "the consultation at fed-police" });
    await respondToCaseConsultation(police, { consultationId: asked.consultationId, answer: "No." });
    await waitFor(async () => (await openCaseConsultation(mechelen, asked.consultationId))?.answers[0], { what: "the answer" });

    type Sealed = { caseRef?: string; sealed?: { caseKey?: string; recipients: { org: string }[] } };
    const storedOfCase = async () => (await storedMessages<Sealed>(await s.jsm(), "case.>", STREAMS.case.name)).filter((m) => m.envelope.data.caseRef === REF && m.envelope.data.sealed);
    /** How many stored ciphertexts of the case the participants open with their long-term key and the case key they hold now. */
    const openable = async (): Promise<number> => {
      let n = 0;
      for (const m of await storedOfCase()) {
        for (const bus of [mechelen, antwerpen, police]) {
          if (!m.envelope.data.sealed!.recipients.some((r) => r.org === bus.org) || m.envelope.type === "case.key.granted") continue;
          try {
            open(m.envelope.data.sealed as never, bus.org, bus.identity.sealingPrivateKey, undefined, caseKeysOf(bus).get(REF));
            n++;
          } catch {
            // sealed under a case key this participant does not hold
          }
        }
      }
      return n;
    };
    // Before: each participant opens what is sealed to it: the 3 copies of the summary (sealed to all 3: 9),
    // the question and the answer (each sealed to fed-police and mechelen: 4).
    expect(await openable()).toBe(13);

    const erased = await eraseCase(mechelen, { caseRef: REF, reason: "requested", note: "data subject's request" });
    for (const bus of [mechelen, antwerpen, police]) {
      await waitFor(async () => (await caseFiles(bus)).find((c) => c.caseRef === REF && c.erased), { what: `the erasure at ${bus.org}` });
      expect(caseKeysOf(bus).get(REF)).toBeUndefined();
    }
    await expect(openCaseFile(mechelen, REF)).rejects.toThrow(/was erased/);
    await expect(openCaseConsultation(police, asked.consultationId)).rejects.toThrow(/does not hold/);

    // Every ciphertext of the case the bus stored (what a backup or a sandbox copies): no participant's long-term key opens it.
    expect(await openable()).toBe(0);
    const stored = await storedOfCase();
    expect(stored.map((m) => m.envelope.type).sort()).toEqual([
      "case.consultation.requested", "case.consultation.responded", "case.key.granted", "case.key.granted", "case.opened", "case.opened", "case.opened",
    ]);
    let opened = 0;
    for (const m of stored) {
      for (const bus of [mechelen, antwerpen, police]) {
        if (!m.envelope.data.sealed!.recipients.some((r) => r.org === bus.org)) continue;
        try {
          open(m.envelope.data.sealed as never, bus.org, bus.identity.sealingPrivateKey);
          opened++;
        } catch {
          // sealed under the destroyed case key, or to a one-time exchange key that is gone
        }
      }
    }
    expect(opened).toBe(0);
    const record = (await storedOfType<{ caseRef: string; keyId: string; reason: string }>(await s.jsm(), "case.erased", "mechelen")).filter((m) => m.envelope.data.caseRef === REF);
    expect(record.map((m) => m.envelope.audience).sort()).toEqual(["antwerpen", "fed-police", "mechelen", "vpr"]);
    expect(record[0]!.envelope.data).toMatchObject({ keyId: erased.keyId, reason: "requested" });
    // What the municipality still holds about the case, for an access request: what happened, by whom, never content.
    const report = await caseReport(mechelen, REF);
    expect(report).toMatchObject({ livc: "mechelen", participants: ["mechelen", "antwerpen", "fed-police"], keyHeld: false, erased: { reason: "requested" } });
    expect(report.events.map((e) => e.what.replace(asked.consultationId, "<id>"))).toEqual([
      "opened", "consultation <id> sent", "consultation <id> answered", "erased (requested)",
    ]);
  });

  it("case - a closed case is erased by its municipality's service once its retention ran out", async () => {
    const REF = "LIVC-MECH-2026-0104";
    const mechelen = local.bus("mechelen");
    await openCase(mechelen, { caseRef: REF, participants: ["antwerpen"], summary: "Closed without concern." });
    await waitFor(async () => caseKeysOf(local.bus("antwerpen")).get(REF), { what: "the case key at antwerpen" });
    await closeCase(mechelen, { caseRef: REF, reason: "no-concern" });
    for (const org of ["mechelen", "antwerpen"]) {
      const file = await waitFor(async () => (await caseFiles(local.bus(org))).find((c) => c.caseRef === REF && c.erased), { timeoutMs: 15_000, what: `the retention erasure at ${org}` });
      expect(file.erased!.reason).toBe("retention");
      expect(caseKeysOf(local.bus(org)).get(REF)).toBeUndefined();
    }
  });

  it("purpose-bound fields - a detainee's details open for the municipality of residence and the LIVC-R members the notice names; every other copy holds the redaction marker", async () => {
    const ocam = federal.bus("fed-ocam");
    const details = { name: "J. Doe", birthDate: "1999-04-02", nationalRegisterNumber: "85.07.30-033.28", releaseDate: "2026-12-20" };
    // The sending client refuses a person's details not addressed to the municipality of residence itself.
    await expect(postNotice(ocam, {
      to: ["antwerpen"], title: "Release of a detainee", body: "Release next week.", category: "detainee-release", person: { residence: "mechelen", details },
    })).rejects.toThrow(/must be a municipality named in "to"/);
    // mechelen, fed-police (a member of mechelen's LIVC-R) and vilvoorde (no member).
    const posted = await postNotice(ocam, {
      to: ["mechelen", "fed-police", "vilvoorde"], title: "Release of a detainee", body: "A detainee returns to the municipality next week.", category: "detainee-release",
      person: { residence: "mechelen", details },
    });
    expect(posted.person).toEqual({ residence: "mechelen", sealedTo: ["mechelen", "fed-police"], compositionVersion: 1, warnings: [] });
    const copies = (await storedOfType<{ noticeId: string; person: { sealed?: { recipients: { org: string }[] }; redacted?: true } }>(await s.jsm(), "notice.posted", "fed-ocam"))
      .filter((m) => m.envelope.data.noticeId === posted.noticeId);
    expect(Object.fromEntries(copies.map((m) => [m.envelope.audience, m.envelope.data.person.redacted ? "redacted" : m.envelope.data.person.sealed!.recipients.map((r) => r.org).join()])))
      .toEqual({ mechelen: "mechelen", "fed-police": "mechelen,fed-police", vilvoorde: "redacted" });
    for (const m of copies) expect(JSON.stringify(m.envelope)).not.toMatch(/Doe|85\.07\.30/);
    const copyFor = (audience: string) => copies.find((m) => m.envelope.audience === audience)!.envelope.id;
    const readsOf = async (org: string) => (await storedMessages<{ person?: string; kind: string; messageIds: string[] }>(await s.jsm(), `reads.${org}.>`, STREAMS.reads.name)).map((m) => m.envelope.data);

    // The residence and the member each open the details from their own copy; each opening is in the read audit.
    const mechelen = local.bus("mechelen");
    const police = federal.bus("fed-police");
    const vilvoorde = local.bus("vilvoorde");
    for (const [org, bus] of [["mechelen", mechelen], ["fed-police", police], ["vilvoorde", vilvoorde]] as const) {
      await waitFor(async () => (await receivedNotices(bus)).find((n) => n.noticeId === posted.noticeId), { what: `the notice at ${org}` });
    }
    expect(await openNoticePerson(mechelen, posted.noticeId, { person: "l.peeters", role: "livc-coordinator", interface: "cli", purpose: "prepare the LIVC-R" })).toEqual(details);
    expect(await readsOf("mechelen")).toContainEqual(expect.objectContaining({ person: "l.peeters", kind: "notice", messageIds: [copyFor("mechelen")] }));
    expect(await openNoticePerson(police, posted.noticeId, { person: "c.dupont", role: "liaison", interface: "cli", purpose: "prepare the LIVC-R" })).toEqual(details);
    expect(await readsOf("fed-police")).toContainEqual(expect.objectContaining({ person: "c.dupont", kind: "notice", messageIds: [copyFor("fed-police")] }));

    // The non-member holds the marker: a typed error naming who may open the details, and no read recorded.
    expect((await receivedNotices(vilvoorde)).find((n) => n.noticeId === posted.noticeId)!.person).toEqual({ purposes: ["consultation", "follow-up"], redacted: true });
    const refused = await openNoticePerson(vilvoorde, posted.noticeId).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(SchakelError);
    expect((refused as SchakelError).code).toBe("sealed");
    expect((refused as SchakelError).message).toMatch(/only for mechelen and those members of its LIVC-R (\(.*\) )?the notice is addressed to .*"vilvoorde" received the redaction marker/);
    expect((await readsOf("vilvoorde")).filter((r) => r.kind === "notice")).toEqual([]);
  });

  it("purpose-bound fields - the sender says when it could not seal to the members: no composition held, a member reached only through a group", async () => {
    const ocam = federal.bus("fed-ocam");
    const details = { name: "A. Janssens" };
    // antwerpen has set no composition: the details are sealed to antwerpen alone, and the result says why.
    const alone = await postNotice(ocam, { to: ["antwerpen", "vilvoorde"], title: "Release of a detainee", body: "Release next month.", category: "detainee-release", person: { residence: "antwerpen", details } });
    expect(alone.person).toMatchObject({ residence: "antwerpen", sealedTo: ["antwerpen"], warnings: [expect.stringMatching(/"fed-ocam" holds no composition of the LIVC-R of antwerpen: the details are sealed to antwerpen alone/)] });
    expect(alone.person!.compositionVersion).toBeUndefined();
    // fed-police, a member of mechelen's LIVC-R, reached only through the group "federal": its copy holds the marker.
    const viaGroup = await postNotice(ocam, { to: ["mechelen", "federal"], title: "Release of a detainee", body: "Release next month.", category: "detainee-release", person: { residence: "mechelen", details } });
    expect(viaGroup.person).toMatchObject({ sealedTo: ["mechelen"], warnings: [expect.stringMatching(/fed-police \(LIVC-R of mechelen\) is reached only through a group/)] });
  });
});
