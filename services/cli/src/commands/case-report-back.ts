/**
 * `schakel case report-back`: the owner of a follow-up task reports back. The report is sealed to the
 * case's municipality and the owner; the platform sees that the task was reported (its deadline's
 * obligation closes), never what it says.
 */
import type { Command } from "commander";
import { reportCaseTask } from "@schakel/organisation";
import { requireCaseRef, requireText } from "../case/input.ts";
import { caseWork } from "../case/outcome.ts";
import { by } from "../case/render.ts";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { requireMessageId, requireSender } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";

interface ReportOptions extends GlobalOptions { as: string; report: string }

async function report(caseRefArg: string, taskIdArg: string, opts: ReportOptions): Promise<void> {
  const caseRef = requireCaseRef(caseRefArg);
  const taskId = requireMessageId(taskIdArg, "TASK_ID", "case plan");
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "case.task.reported");
  const text = requireText("--report", opts.report, 20_000);
  const acting = actorFor(opts, opts.as, "report-case");
  const sent = await withBus(opts.as, opts, (bus) => caseWork(() => reportCaseTask(bus, { caseRef, taskId, report: text, ...acting })));
  emit(opts, { ...sent, owner: opts.as, actor: acting.actor ?? null }, (r) =>
    `${color.green("reported")} on task ${r.taskId} of case ${color.bold(r.caseRef)}${by(r.actor)}, sealed to the case's municipality and ${r.owner} (message ${r.messageId})`);
}

export function registerCaseReportBack(c: Command): void {
  c
    .command("report-back")
    .description("report back on a follow-up task your organisation owns; the report is sealed to the case's municipality")
    .argument("<caseRef>", "the case reference")
    .argument("<taskId>", "the task id printed by `case plan` (see `case list`)")
    .requiredOption("--as <org>", "the task's owner")
    .requiredOption("--report <text>", "the report, sealed")
    .option("--json", "print JSON")
    .action((ref: string, taskId: string, _o, cmd: Command) => report(ref, taskId, cmd.optsWithGlobals<ReportOptions>()));
}
