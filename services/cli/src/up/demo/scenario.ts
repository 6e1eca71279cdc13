/**
 * `schakel up --demo`: a realistic round of coordination between the three levels, played by the
 * organisations themselves (each on its own connection) while the platform's feed prints every
 * message as it is stored — so a newcomer sees the flows at once: a notice with receipts and
 * acknowledgements, its notification mails (notification-mails.ts), a missed deadline and its
 * escalation, policy updates bundled into digests, a neighbour's signal acknowledged and a signal
 * triaged by the platform coordinator, a glossary change proposed and adopted (glossary.ts), a
 * coordination exchange, a sealed case consultation, a municipality warning the municipalities
 * near it and a detainee's release with sealed details (parties.ts).
 */
import { newMessageId, SchakelError, type DataOf } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import {
  acknowledgeNotice, caseFiles, openCase, openCaseConsultation, platformOf, postNotice, requestCaseConsultation, requestCoordination, respondToCaseConsultation,
  setCasePlan, setLivcComposition,
} from "@schakel/organisation";
import { feedLine } from "../../commands/feed.ts";
import { color } from "../../output.ts";
import { Actors } from "./actors.ts";
import { announceDetaineeRelease, warnNearbyMunicipalities } from "./parties.ts";
import { playSignalTriage } from "./signal-triage.ts";
import { confirmDigestItem, shareAndCurateKnowledge } from "./digests-knowledge.ts";
import { playGlossaryChange, sayGlossaryNamed } from "./glossary.ts";
import { showNoticeMails } from "./notification-mails.ts";
import { pause, retryUntil } from "./retry.ts";
import { BusWatch } from "./watch.ts";

export interface DemoOptions {
  url: string;
  dataDir: string;
  directory: KeyDirectory;
  say: (line: string) => void;
  signal: AbortSignal;
  /** Time the municipalities get to acknowledge the notice (default 20 s). */
  ackWindowMs?: number;
  /** How long to wait for the platform's digests (default 90 s). */
  digestWaitMs?: number;
  /** Pause between steps, so people can follow (default 1.5 s). */
  pauseMs?: number;
  /** The `--data` part of suggested commands. */
  dataFlag?: string;
  /** Where the local mail sink keeps the notification mails; absent when an SMTP server is configured. */
  mailDir?: string;
}

export interface DemoReport {
  noticeId: string;
  escalated: boolean;
  digests: number;
  /** The notification mails about the first notice read from the mail sink. */
  mails: number;
  /** The glossary version adopted and held by mechelen (absent when that step did not complete). */
  glossaryVersion?: number;
}

/** The number of steps the demo plays. */
const DEMO_STEPS = 12;

/** Repeats `attempt` until it reports done (the addressee's service has recorded what it answers). */
const whenRecorded = <T extends { outcome: string }>(attempt: () => Promise<T>, unknown: string, signal: AbortSignal): Promise<T> =>
  retryUntil(attempt, (r) => r.outcome !== unknown, signal);

/** Plays the scenario; resolves with what happened (also when stopped half-way through). */
export async function playDemo(opts: DemoOptions): Promise<DemoReport> {
  const { say, signal } = opts;
  const ackWindowMs = opts.ackWindowMs ?? 20_000;
  const platform = platformOf(opts.directory);
  const actors = new Actors(opts.url, opts.dataDir, opts.directory);
  const watch = await BusWatch.start(await actors.as(platform), (item) => say(`   ${feedLine(item)}`));
  const step = async (n: number, text: string) => {
    await watch.settle();
    if (n > 1) await pause(opts.pauseMs ?? 1_500, signal);
    say(`\n${color.bold(color.magenta(`demo ${n}/${DEMO_STEPS}`))} ${text}`);
  };
  const report: DemoReport = { noticeId: "", escalated: false, digests: 0, mails: 0 };
  /** A part that may fail without ending the demo: said in yellow, resolving with undefined. */
  const soft = <T>(p: Promise<T>, what: string): Promise<T | undefined> =>
    p.catch((err: unknown) => (say(color.yellow(`   (${what}: ${(err as Error).message})`)), undefined));
  try {
    await step(1, `the crisis centre (nccn) passes OCAM's threat level on to the mayors of antwerpen, mechelen and vilvoorde and their police zones — acknowledge within ${ackWindowMs / 1000} s`);
    const notice = await postNotice(await actors.as("nccn"), {
      to: ["antwerpen", "mechelen", "vilvoorde", "pz-antwerpen", "pz-mechelen-willebroek"], category: "threat-assessment", ackBy: new Date(Date.now() + ackWindowMs),
      title: "Threat level for public events in the region", preventionTier: "secondary", extremismForms: ["jihadist", "far-right"],
      body: "The threat level for large public events stays at 2 until further notice. Please inform the event organisers and the local police zone.",
    });
    report.noticeId = notice.noticeId;
    const isReceipt = (org: string) => (i: { type: string; data?: unknown }) =>
      i.type === "notice.delivered" && (i.data as DataOf<"notice.delivered">).noticeId === notice.noticeId && (i.data as DataOf<"notice.delivered">).recipient === org;
    await soft(Promise.all(["antwerpen", "mechelen", "vilvoorde"].map((o) => watch.waitFor(`delivery receipt from ${o}`, isReceipt(o), 15_000, signal))), "receipts");
    if (signal.aborted) return report;

    await step(2, "the notification loop: the organisations' notifiers mail the urgent notice to each person whose preferences ask for it; the local mail sink keeps the mails");
    const mails = await soft(showNoticeMails({ actors, watch, say, signal }, { mailDir: opts.mailDir, noticeId: notice.noticeId, org: "mechelen", person: "l.peeters" }), "mails");
    report.mails = mails?.length ?? 0;

    await step(3, "antwerpen and mechelen acknowledge (the police zones' duty officers did already); vilvoorde does not");
    for (const [org, remark] of [["antwerpen", "Shared with the organisers of the city festival"], ["mechelen", "Discussed in the LIVC; police zone informed"]] as const) {
      await whenRecorded(async () => acknowledgeNotice(await actors.as(org), { noticeId: notice.noticeId, remark, by: "coordinating official" }), "unknown-notice", signal);
    }

    await step(4, "four Flemish policy domains publish updates for the municipalities; the platform bundles them into one digest each");
    const updates = [
      { from: "onderwijs", domain: "onderwijs", title: "Guide for dialogue on polarisation in class", summary: "Schools get a contact point and a practical guide for difficult conversations." },
      { from: "welzijn", domain: "welzijn", title: "Extra support for families of returnees", summary: "Family support services can apply for extra staff until March." },
      { from: "jeugd", domain: "jeugd", title: "Youth work and online radicalisation", summary: "A training offer for youth workers on recognising online recruitment." },
      { from: "werk", domain: "werk", title: "Work placements after detention", summary: "Job coaching for people leaving prison, in cooperation with the justice houses." },
    ] as const;
    for (const u of updates) {
      await (await actors.as(u.from)).publish("policy.update.published", {
        updateId: newMessageId(), domain: u.domain, title: u.title, summary: u.summary, concerns: ["antwerpen", "mechelen", "vilvoorde"], preventionTier: "primary",
      }, { to: platform });
    }

    await step(5, "willebroek signals its neighbour mechelen, which acknowledges; vilvoorde's high-severity incident enters the platform's triage queue, and the platform coordinator forwards it to the federal police");
    await soft(playSignalTriage({ actors, watch, say, signal }), "signals");

    await step(6, "the shared glossary: the policy domain jeugd proposes to redefine a signal kind; the platform coordinator adopts it as the next version, for everyone");
    const glossaryVersion = await soft(playGlossaryChange({ actors, watch, say, signal }), "glossary");
    if (glossaryVersion !== undefined) report.glossaryVersion = glossaryVersion;

    await step(7, "mechelen asks the federal police to align on the release of a detainee; the liaison answers (causation id = the request)");
    const request = await requestCoordination(await actors.as("mechelen"), {
      to: "fed-police", ask: "align", topic: "Release of a detainee to the municipality", preventionTier: "tertiary", respondBy: new Date(Date.now() + 2 * 86_400_000),
      body: "A detainee returns to Mechelen next month. Can the local cell, the police and the justice house align the follow-up?",
    });
    await soft(watch.waitFor("answer", (i) => i.type === "coordination.responded" && i.causationId === request.messageId, 10_000, signal), "answer");
    await sayGlossaryNamed({ actors, watch, say, signal }, "mechelen", request.messageId, "request");

    await step(8, "mechelen sets its LIVC-R (itself and fed-police), opens a case and consults fed-police — pseudonymous reference, content sealed to the members");
    const mechelen = await actors.as("mechelen");
    const livc = await setLivcComposition(mechelen, { members: [{ org: "fed-police", roles: ["liaison"] }] });
    // A second demo on the same data folder finds the case open already.
    if (!(await caseFiles(mechelen)).some((c) => c.caseRef === "LIVC-MECH-2026-0042")) await openCase(mechelen, { caseRef: "LIVC-MECH-2026-0042", participants: ["fed-police"], summary: "Young adult returning from detention; the family asks for support." });
    // The composition goes to its members, the platform and the notice senders (who seal a detainee's details to the members).
    say(`   mechelen → ${livc.sentTo.filter((o) => o !== "mechelen").join(", ")} livc.composition.set v${livc.version} (members, the platform and the notice senders); mechelen → fed-police case.opened LIVC-MECH-2026-0042 (art-458ter-livc-r, consultation)`);
    const consultation = await requestCaseConsultation(mechelen, {
      caseRef: "LIVC-MECH-2026-0042", recipients: ["fed-police"], question: "Is there new information relevant to the follow-up plan?",
    });
    // fed-police answers once its service has recorded the consultation and received the case key.
    const answered = await whenRecorded(async () => respondToCaseConsultation(await actors.as("fed-police"), {
      consultationId: consultation.consultationId, answer: "Nothing new on our side; keep the current plan.",
    }).catch((err: unknown) => {
      if (err instanceof SchakelError && err.code === "not-found" && err.retryable) return { outcome: "unknown-consultation" as const, consultationId: consultation.consultationId, message: err.message };
      throw err;
    }), "unknown-consultation", signal);
    const opened = await openCaseConsultation(await actors.as("mechelen"), consultation.consultationId).catch(() => undefined);
    say(`   mechelen → fed-police case.consultation.requested LIVC-MECH-2026-0042, sealed to mechelen and fed-police`);
    if (answered.outcome === "answered") say(`   fed-police → mechelen case.consultation.responded, sealed${opened?.answers[0] ? ` — mechelen opens it: "${opened.answers[0].content.answer}"` : ""}`);
    const plan = await setCasePlan(mechelen, { caseRef: "LIVC-MECH-2026-0042", tasks: [{ owner: "fed-police", dueBy: new Date(Date.now() + 14 * 86_400_000), task: "Check in with the neighbourhood officer and report back." }] });
    say(`   mechelen → fed-police, vpr case.plan.set: ${plan.tasks.length} follow-up task for fed-police, due in 14 days (an obligation the platform escalates when missed)`);
    say(color.dim("   (case messages live in the CASE stream with a shorter retention; the platform sees the reference, never the content)"));

    await step(9, "mechelen shares an intervision with VVSG, which curates it into everyone's knowledge library");
    await soft(shareAndCurateKnowledge({ actors, watch, say, signal }), "knowledge");

    await step(10, "mechelen warns the municipalities near it: its neighbour willebroek and antwerpen (same province); willebroek acknowledges");
    await warnNearbyMunicipalities({ actors, watch, say, signal });

    await step(11, "the prison service (fed-epi) announces a detainee's release to mechelen, its justice house and police zone — the person's details sealed");
    await announceDetaineeRelease({ actors, watch, say, signal });

    await step(12, "waiting for vilvoorde's deadline to pass, and for the platform's digests");
    const escalation = watch.waitFor("escalation", (i) => i.type === "escalation.raised" && (i.data as DataOf<"escalation.raised">).obligation.reference === notice.noticeId,
      ackWindowMs + 15_000, signal).then(() => (report.escalated = true));
    const digests = watch.waitFor("digests", (i) => i.type === "digest.published", opts.digestWaitMs ?? 90_000, signal);
    await soft(escalation, "escalation");
    await soft(digests, "digests");
    await soft(confirmDigestItem({ actors, watch, say, signal }), "digest read");
    await pause(500, signal);
    report.digests = watch.all((i) => i.type === "digest.published").length;
    const d = opts.dataFlag ?? "";
    say(`\n${color.green(color.bold("demo done"))} — the notice's matrix: npx schakel notice status${d} ${notice.noticeId}`);
    say(`          everything the platform saw: npx schakel feed${d} --as ${platform}; the services keep running until Ctrl-C`);
    return report;
  } finally {
    await watch.stop().catch(() => {});
    await actors.close();
  }
}
