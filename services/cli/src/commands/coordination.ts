/**
 * `schakel coordination request|respond`: one level asks another to align, inform or act; the
 * answer is published in reply to the request, so its causation id is the request's message id
 * and both share one trace.
 */
import type { Command } from "commander";
import { COORDINATION_ASKS, COORDINATION_OUTCOMES, newMessageId, PREVENTION_TIERS } from "@schakel/contracts";
import { requestCoordination, respondToCoordination } from "@schakel/organisation";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, parseAudiences, requireMessageId, requireSender, validateData } from "../input/checks.ts";
import { parseDeadline } from "../input/time-input.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";

interface RequestOptions extends GlobalOptions { as: string; to: string; ask: string; topic: string; body: string; respondBy?: string; tier?: string }
interface RespondOptions extends GlobalOptions { as: string; outcome: string; body: string }

async function request(opts: RequestOptions): Promise<void> {
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "coordination.requested");
  const [to, ...more] = parseAudiences(directory, opts.to);
  if (more.length) throw new CliError(`--to takes one organisation or group for a coordination request, got ${opts.to}`, EXIT.usage);
  const requestId = newMessageId();
  const data = {
    requestId, ask: oneOf("--ask", opts.ask, COORDINATION_ASKS), topic: opts.topic, body: opts.body,
    ...(opts.respondBy !== undefined ? { respondBy: parseDeadline("--respond-by", opts.respondBy).toISOString() } : {}),
    ...(opts.tier ? { preventionTier: oneOf("--tier", opts.tier, PREVENTION_TIERS) } : {}),
  };
  validateData("coordination.requested", data, { topic: "--topic", body: "--body" });
  const acting = actorFor(opts, opts.as, "request-coordination");
  const p = await withBus(opts.as, opts, (bus) => requestCoordination(bus, { ...data, ...acting, to: to! }));
  emit(opts, { requestId, id: p.messageId, to, traceId: p.traceId, respondBy: data.respondBy ?? null, actor: acting.actor ?? null }, (r) =>
    `${color.green("requested")} ${data.ask} from ${r.to}${r.actor ? ` by ${r.actor.person} (${r.actor.role})` : ""}: request ${color.bold(r.requestId)} (message ${r.id})\ntrace ${r.traceId}`);
}

async function respond(requestIdArg: string, opts: RespondOptions): Promise<void> {
  const requestId = requireMessageId(requestIdArg, "REQUEST_ID", "coordination request");
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "coordination.responded");
  const data = { requestId, outcome: oneOf("--outcome", opts.outcome, COORDINATION_OUTCOMES), body: opts.body };
  validateData("coordination.responded", data, { body: "--body" });
  const acting = actorFor(opts, opts.as, "answer-coordination");
  const result = await withBus(opts.as, opts, async (bus) => {
    const done = await respondToCoordination(bus, { ...data, ...acting });
    if (done.outcome === "responded") return { requestId, id: done.messageId, to: done.to, causationId: done.causationId, traceId: done.traceId, duplicate: false };
    if (done.outcome === "already-responded") return { requestId, id: done.messageId, to: done.to, causationId: null, traceId: null, duplicate: true };
    throw new CliError(done.message, EXIT.usage);
  });
  emit(opts, result, (r) =>
    `${color.green(r.duplicate ? "already answered" : "answered")} request ${r.requestId} (${data.outcome}) to ${r.to}${r.causationId ? `; causation ${r.causationId}` : ""}${r.traceId ? `\ntrace ${r.traceId}` : ""}`);
}

export function registerCoordination(program: Command): void {
  const coordination = program.command("coordination").description("ask another level to align, inform or act, and answer");
  coordination
    .command("request")
    .description("ask an organisation or level to align, inform or act")
    .requiredOption("--as <org>", "the asking organisation")
    .requiredOption("--to <audience>", "the organisation or group asked")
    .requiredOption("--ask <ask>", `one of ${COORDINATION_ASKS.join(", ")}`)
    .requiredOption("--topic <text>", "what it is about (3–200 characters)")
    .requiredOption("--body <text>", "the request")
    .option("--respond-by <deadline>", "a duration (2d) or a time (2026-12-01T12:00:00Z)")
    .option("--tier <tier>", `prevention tier: ${PREVENTION_TIERS.join(", ")}`)
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => request(cmd.optsWithGlobals<RequestOptions>()));
  coordination
    .command("respond")
    .description("answer a coordination request addressed to your organisation")
    .argument("<requestId>", "the request id printed by `coordination request`")
    .requiredOption("--as <org>", "the answering organisation")
    .requiredOption("--outcome <outcome>", `one of ${COORDINATION_OUTCOMES.join(", ")}`)
    .requiredOption("--body <text>", "the answer")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => respond(id, cmd.optsWithGlobals<RespondOptions>()));
}
