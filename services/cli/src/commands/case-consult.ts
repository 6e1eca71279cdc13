/**
 * `schakel case consult|answer`: a member of a case's LIVC-R asks named members about it, and a
 * member asked answers. The question and the answer are sealed to the two sides; the recipients
 * must be members of the LIVC-R as its composition in force says (a non-member is bad input,
 * named, and nothing is sent).
 */
import type { Command } from "commander";
import { requestCaseConsultation, respondToCaseConsultation } from "@schakel/organisation";
import { parseOrganisations, requireCaseRef, requireText } from "../case/input.ts";
import { caseWork } from "../case/outcome.ts";
import { by } from "../case/render.ts";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, requireMessageId, requireSender } from "../input/checks.ts";
import { parseDeadline } from "../input/time-input.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";

interface ConsultOptions extends GlobalOptions { as: string; to: string; question: string; purpose?: string; respondBy?: string }
interface AnswerOptions extends GlobalOptions { as: string; answer: string }

/** The purposes a consultation may serve (case-law.ts: a transfer is a hand-over, not a consultation). */
const CONSULT_PURPOSES = ["consultation", "follow-up"] as const;

async function consult(caseRefArg: string, opts: ConsultOptions): Promise<void> {
  const caseRef = requireCaseRef(caseRefArg);
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "case.consultation.requested");
  const recipients = parseOrganisations(directory, opts.to, "--to");
  if (recipients.includes(opts.as)) throw new CliError(`--to names ${opts.as} itself: consult other members of the LIVC-R`, EXIT.usage);
  const question = requireText("--question", opts.question, 20_000);
  const purpose = oneOf("--purpose", opts.purpose ?? "consultation", CONSULT_PURPOSES);
  const respondBy = opts.respondBy !== undefined ? parseDeadline("--respond-by", opts.respondBy) : undefined;
  const acting = actorFor(opts, opts.as, "consult-case");
  const asked = await withBus(opts.as, opts, (bus) =>
    caseWork(() => requestCaseConsultation(bus, { caseRef, recipients, question, purpose, ...(respondBy ? { respondBy } : {}), ...acting })));
  emit(opts, {
    consultationId: asked.consultationId, caseRef, purpose, to: recipients, respondBy: respondBy?.toISOString() ?? null, traceId: asked.traceId,
    copies: asked.copies, actor: acting.actor ?? null,
  }, (r) => [
    `${color.green("consulted")} ${r.to.join(", ")} about case ${r.caseRef} (${r.purpose})${by(r.actor)}: consultation ${color.bold(r.consultationId)}`,
    `sealed to ${[...r.to, opts.as].join(", ")}${r.respondBy ? `; answer by ${r.respondBy}` : ""}`,
    `trace ${r.traceId}`,
  ].join("\n"));
}

async function answer(consultationIdArg: string, opts: AnswerOptions): Promise<void> {
  const consultationId = requireMessageId(consultationIdArg, "CONSULTATION_ID", "case consult");
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "case.consultation.responded");
  const text = requireText("--answer", opts.answer, 20_000);
  const acting = actorFor(opts, opts.as, "answer-case");
  const result = await withBus(opts.as, opts, async (bus) => {
    const done = await caseWork(() => respondToCaseConsultation(bus, { consultationId, answer: text, ...acting }));
    if (done.outcome === "unknown-consultation") throw new CliError(`${done.message} (check the id printed by "schakel case consult"; its service records a consultation when it arrives)`, EXIT.usage);
    return { consultationId, to: done.to, id: done.messageId, duplicate: done.outcome === "already-answered", actor: acting.actor ?? null };
  });
  emit(opts, result, (r) =>
    `${color.green(r.duplicate ? "already answered" : "answered")} consultation ${r.consultationId} to ${r.to}${r.duplicate ? "" : by(r.actor)}, sealed to ${r.to} and ${opts.as} (message ${r.id})`);
}

export function registerCaseConsult(c: Command): void {
  c
    .command("consult")
    .description("ask named members of the case's LIVC-R about the case; the question is sealed to them")
    .argument("<caseRef>", "the case reference")
    .requiredOption("--as <org>", "the asking member")
    .requiredOption("--to <orgs>", "comma-separated members asked (named organisations, never groups)")
    .requiredOption("--question <text>", "the question, sealed")
    .option("--purpose <purpose>", `${CONSULT_PURPOSES.join(" or ")} (default consultation)`)
    .option("--respond-by <deadline>", "a duration (2d) or a time (2026-12-01T12:00:00Z)")
    .option("--json", "print JSON")
    .action((ref: string, _o, cmd: Command) => consult(ref, cmd.optsWithGlobals<ConsultOptions>()));
  c
    .command("answer")
    .description("answer a case consultation addressed to your organisation; the answer is sealed to the asker")
    .argument("<consultationId>", "the consultation id printed by `case consult`")
    .requiredOption("--as <org>", "the answering member")
    .requiredOption("--answer <text>", "the answer, sealed")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => answer(id, cmd.optsWithGlobals<AnswerOptions>()));
}
