/**
 * `schakel case erase|correct`: a municipality erases a case of its LIVC-R — every participant
 * destroys the case key, after which no stored copy of its content (in CASE, in a backup, in a
 * sandbox) opens again; the erasure itself is recorded (a `case.erased` message, chained by the
 * audit). The author of a part of a case rectifies it without rewriting history.
 */
import type { Command } from "commander";
import { CASE_ERASURE_REASONS, CORRECTABLE_FIELDS } from "@schakel/contracts";
import { correctCase, eraseCase } from "@schakel/organisation";
import { requireCaseRef, requireText } from "../case/input.ts";
import { caseWork } from "../case/outcome.ts";
import { by } from "../case/render.ts";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, requireMessageId, requireSender } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";

interface EraseOptions extends GlobalOptions { as: string; reason: string; note?: string }
interface CorrectOptions extends GlobalOptions { as: string; field: string; task?: string; text: string }

async function erase(caseRefArg: string, opts: EraseOptions): Promise<void> {
  const caseRef = requireCaseRef(caseRefArg);
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "case.erased");
  const reason = oneOf("--reason", opts.reason, CASE_ERASURE_REASONS);
  const note = opts.note === undefined ? undefined : requireText("--note", opts.note, 500);
  const acting = actorFor(opts, opts.as, "erase-case");
  const erased = await withBus(opts.as, opts, (bus) => caseWork(() => eraseCase(bus, { caseRef, reason, ...(note ? { note } : {}), ...acting })));
  emit(opts, { ...erased, reason, actor: acting.actor ?? null }, (r) => [
    `${color.green("erased")} case ${color.bold(r.caseRef)}${by(r.actor)} (${r.reason}): case key ${r.keyId} is destroyed at ${r.participants.join(", ")}`,
    color.dim("no stored copy of its content opens again, in the streams, in backups or in sandboxes; the erasure is recorded in the audit chain"),
  ].join("\n"));
}

async function correct(caseRefArg: string, opts: CorrectOptions): Promise<void> {
  const caseRef = requireCaseRef(caseRefArg);
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "case.corrected");
  const field = oneOf("--field", opts.field, CORRECTABLE_FIELDS);
  if (field !== "summary" && opts.task === undefined) throw new CliError(`--task: a correction of a ${field} names its task id (see "schakel case list")`, EXIT.usage);
  const taskId = opts.task === undefined ? undefined : requireMessageId(opts.task, "--task", "case plan");
  const text = requireText("--text", opts.text, 20_000);
  const acting = actorFor(opts, opts.as, "correct-case");
  const done = await withBus(opts.as, opts, (bus) => caseWork(() => correctCase(bus, { caseRef, field, ...(taskId ? { taskId } : {}), text, ...acting })));
  emit(opts, { ...done, taskId: taskId ?? null, actor: acting.actor ?? null }, (r) =>
    `${color.green("corrected")} the ${r.field}${r.taskId ? ` of task ${r.taskId}` : ""} of case ${color.bold(r.caseRef)}${by(r.actor)}; the original stays stored, readers see the correction`);
}

export function registerCaseErase(c: Command): void {
  c
    .command("erase")
    .description("erase your case: every participant destroys its key, and no stored copy of its content opens again")
    .argument("<caseRef>", "the case reference")
    .requiredOption("--as <municipality>", "the case's municipality")
    .requiredOption("--reason <reason>", `one of ${CASE_ERASURE_REASONS.join(", ")} (retention: done by the service itself after SCHAKEL_CASE_RETENTION)`)
    .option("--note <text>", "why, without personal data (e.g. a data subject's request)")
    .option("--json", "print JSON")
    .action((ref: string, _o, cmd: Command) => erase(ref, cmd.optsWithGlobals<EraseOptions>()));
}

export function registerCaseCorrect(c: Command): void {
  c
    .command("correct")
    .description("rectify a part of a case your organisation wrote (its summary, a task, a report); the original stays stored")
    .argument("<caseRef>", "the case reference")
    .requiredOption("--as <org>", "the organisation that wrote the part")
    .requiredOption("--field <field>", `one of ${CORRECTABLE_FIELDS.join(", ")}`)
    .option("--task <taskId>", "for a task or a report: the task id")
    .requiredOption("--text <text>", "the corrected text, sealed to the participants")
    .option("--json", "print JSON")
    .action((ref: string, _o, cmd: Command) => correct(ref, cmd.optsWithGlobals<CorrectOptions>()));
}
