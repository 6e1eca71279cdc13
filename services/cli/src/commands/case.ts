/**
 * `schakel case open|plan|close|transfer`: the municipality's decisions about a case in its LIVC-R
 * — open it for the members taking part, set the follow-up plan (tasks with an owner and a
 * deadline, each an obligation the platform escalates when missed), close it with a reason, or
 * hand it over to the LIVC-R of the municipality the person moved to. Every content field is
 * sealed to the organisations that need it; the reference, LIVC-R, composition version, legal
 * basis and purpose travel in the clear. Consulting and answering (case-consult.ts), reporting
 * (case-report-back.ts), erasing and correcting (case-erase.ts), the access report (case-report.ts) and reading (case-list.ts, case-show.ts) are registered here too.
 */
import type { Command } from "commander";
import { CASE_CLOSE_REASONS } from "@schakel/contracts";
import { closeCase, openCase, setCasePlan, transferCase } from "@schakel/organisation";
import { parseOrganisations, parseTask, requireCaseRef, requireText } from "../case/input.ts";
import { caseWork } from "../case/outcome.ts";
import { by } from "../case/render.ts";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, requireOrganisation, requireSender } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";
import { registerCaseConsult } from "./case-consult.ts";
import { registerCaseList } from "./case-list.ts";
import { registerCaseCorrect, registerCaseErase } from "./case-erase.ts";
import { registerCaseReport } from "./case-report.ts";
import { registerCaseReportBack } from "./case-report-back.ts";
import { registerCaseShow } from "./case-show.ts";

interface OpenOptions extends GlobalOptions { as: string; with: string; summary: string }
interface PlanOptions extends GlobalOptions { as: string; task?: string[] }
interface CloseOptions extends GlobalOptions { as: string; reason: string }
interface TransferOptions extends GlobalOptions { as: string; to: string; handover: string }

async function open(caseRefArg: string, opts: OpenOptions): Promise<void> {
  const caseRef = requireCaseRef(caseRefArg);
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "case.opened");
  const participants = parseOrganisations(directory, opts.with, "--with");
  const summary = requireText("--summary", opts.summary, 20_000);
  const acting = actorFor(opts, opts.as, "open-case");
  const opened = await withBus(opts.as, opts, (bus) => openCase(bus, { caseRef, participants, summary, ...acting }));
  emit(opts, { caseRef, livc: opts.as, participants: opened.participants, compositionVersion: opened.compositionVersion, messageIds: opened.messageIds, actor: acting.actor ?? null }, (r) => [
    `${color.green("opened")} case ${color.bold(r.caseRef)} in the LIVC-R of ${r.livc}${by(r.actor)} (composition v${r.compositionVersion})`,
    `participants: ${r.participants.join(", ")} — the summary is sealed to them`,
  ].join("\n"));
}

async function plan(caseRefArg: string, opts: PlanOptions): Promise<void> {
  const caseRef = requireCaseRef(caseRefArg);
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "case.plan.set");
  if (!opts.task?.length) throw new CliError(`--task: give at least one task, e.g. --task fed-police:14d:"Check in with the neighbourhood officer"`, EXIT.usage);
  const now = new Date();
  const tasks = opts.task.map((t) => parseTask(directory, t, now));
  const acting = actorFor(opts, opts.as, "plan-case");
  const set = await withBus(opts.as, opts, (bus) => caseWork(() => setCasePlan(bus, { caseRef, tasks: tasks.map((t) => ({ owner: t.owner, dueBy: t.dueBy, task: t.task })), ...acting })));
  emit(opts, { ...set, actor: acting.actor ?? null }, (r) => [
    `${color.green("planned")} case ${color.bold(r.caseRef)}${by(r.actor)}: plan v${r.planVersion}, sealed to the participants`,
    ...r.tasks.map((t) => `  task ${color.bold(t.taskId)} for ${t.owner}, due ${t.dueBy}`),
    color.dim(`the owner reports back: npx schakel case report-back ${r.caseRef} <task id> --as <owner> --report "…"`),
  ].join("\n"));
}

async function close(caseRefArg: string, opts: CloseOptions): Promise<void> {
  const caseRef = requireCaseRef(caseRefArg);
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "case.closed");
  const reason = oneOf("--reason", opts.reason, CASE_CLOSE_REASONS);
  const acting = actorFor(opts, opts.as, "close-case");
  const closed = await withBus(opts.as, opts, (bus) => caseWork(() => closeCase(bus, { caseRef, reason, ...acting })));
  emit(opts, { ...closed, actor: acting.actor ?? null }, (r) => `${color.green("closed")} case ${color.bold(r.caseRef)} (${r.reason})${by(r.actor)}; its open tasks end`);
}

async function transfer(caseRefArg: string, opts: TransferOptions): Promise<void> {
  const caseRef = requireCaseRef(caseRefArg);
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "case.transferred");
  const to = requireOrganisation(directory, opts.to, "--to");
  if (!to.roles.includes("municipality") || to.id === opts.as) {
    throw new CliError(`--to ${opts.to}: "${opts.to}" is not another municipality: a case is handed over to the LIVC-R of the municipality the person moved to`, EXIT.usage);
  }
  const handover = requireText("--handover", opts.handover, 20_000);
  const acting = actorFor(opts, opts.as, "transfer-case");
  const sent = await withBus(opts.as, opts, (bus) => caseWork(() => transferCase(bus, { caseRef, to: to.id, handover, ...acting })));
  emit(opts, { ...sent, closed: "moved-away", actor: acting.actor ?? null }, (r) =>
    `${color.green("handed over")} case ${color.bold(r.caseRef)} to the LIVC-R of ${r.to}${by(r.actor)} (sealed to ${r.to} only; message ${r.messageId}); closed here as moved-away`);
}

export function registerCase(program: Command): void {
  const c = program.command("case").description("case work in an LIVC-R: open, consult, answer, plan, report-back, close, transfer, correct, erase, show, list, report; content sealed to the members");
  c
    .command("open")
    .description("open a case in your municipality's LIVC-R for the members taking part")
    .argument("<caseRef>", "a pseudonymous case reference, e.g. LIVC-MECH-2026-0042 (never a name)")
    .requiredOption("--as <municipality>", "the municipality whose LIVC-R holds the case")
    .requiredOption("--with <orgs>", "comma-separated LIVC-R members taking part (the municipality is added)")
    .requiredOption("--summary <text>", "what the case is about, sealed to the participants")
    .option("--json", "print JSON")
    .action((ref: string, _o, cmd: Command) => open(ref, cmd.optsWithGlobals<OpenOptions>()));
  registerCaseConsult(c);
  c
    .command("plan")
    .description("set the follow-up plan of your case: tasks with an owner and a deadline (a new plan replaces the previous one)")
    .argument("<caseRef>", "the case reference")
    .requiredOption("--as <municipality>", "the case's municipality")
    .option("--task <owner:deadline:text>", "a task: its owner (a participant), a deadline (14d, or 2026-12-31T17:00+01:00) and what it asks (repeatable)", (v: string, p: string[] | undefined) => [...(p ?? []), v])
    .option("--json", "print JSON")
    .action((ref: string, _o, cmd: Command) => plan(ref, cmd.optsWithGlobals<PlanOptions>()));
  registerCaseReportBack(c);
  c
    .command("close")
    .description("close your case with a reason; its open tasks end")
    .argument("<caseRef>", "the case reference")
    .requiredOption("--as <municipality>", "the case's municipality")
    .requiredOption("--reason <reason>", `one of ${CASE_CLOSE_REASONS.join(", ")}`)
    .option("--json", "print JSON")
    .action((ref: string, _o, cmd: Command) => close(ref, cmd.optsWithGlobals<CloseOptions>()));
  c
    .command("transfer")
    .description("hand your case over to the LIVC-R of the municipality the person moved to (and close it here)")
    .argument("<caseRef>", "the case reference")
    .requiredOption("--as <municipality>", "the case's municipality")
    .requiredOption("--to <municipality>", "the municipality the person moved to")
    .requiredOption("--handover <text>", "the hand-over, sealed to that municipality only")
    .option("--json", "print JSON")
    .action((ref: string, _o, cmd: Command) => transfer(ref, cmd.optsWithGlobals<TransferOptions>()));
  registerCaseCorrect(c);
  registerCaseErase(c);
  registerCaseShow(c);
  registerCaseList(c);
  registerCaseReport(c);
}
