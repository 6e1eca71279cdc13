/**
 * `schakel signal raise`: a municipality reports polarisation, tension, an incident or an emerging
 * need to the platform (its triage queue) or to a neighbour — never personal data. `--escalate`
 * asks the platform to pass it on; a platform coordinator decides. The other subcommands:
 * list/show (signal-list.ts), triage (signal-triage.ts), ack/report-back (signal-answer.ts),
 * info (signal-info.ts), stats (signal-stats.ts).
 */
import type { Command } from "commander";
import { EXTREMISM_FORMS, newMessageId, PREVENTION_TIERS, SEVERITIES, SIGNAL_KINDS } from "@schakel/contracts";
import { platformOf, raiseSignal } from "@schakel/organisation";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { oneOf, parseAudiences, parseForms, requireSender, validateData } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";
import { registerSignalAnswers } from "./signal-answer.ts";
import { registerSignalInfo } from "./signal-info.ts";
import { registerSignalList } from "./signal-list.ts";
import { registerSignalStats } from "./signal-stats.ts";
import { registerSignalTriage } from "./signal-triage.ts";

interface RaiseOptions extends GlobalOptions {
  as: string; kind: string; severity: string; title: string; description: string; to?: string; tier?: string; forms?: string; escalate?: boolean;
}

async function raise(opts: RaiseOptions): Promise<void> {
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "signal.raised");
  const [to] = parseAudiences(directory, opts.to ?? platformOf(directory));
  const signalId = newMessageId();
  const data = {
    signalId, kind: oneOf("--kind", opts.kind, SIGNAL_KINDS), severity: oneOf("--severity", opts.severity, SEVERITIES),
    title: opts.title, description: opts.description, escalate: opts.escalate === true,
    ...(opts.tier ? { preventionTier: oneOf("--tier", opts.tier, PREVENTION_TIERS) } : {}),
    ...(opts.forms ? { extremismForms: parseForms(opts.forms) } : {}),
  };
  validateData("signal.raised", data, { title: "--title", description: "--description", extremismForms: "--forms" });
  const acting = actorFor(opts, opts.as, "raise-signal");
  const p = await withBus(opts.as, opts, (bus) => raiseSignal(bus, { ...data, ...acting, to: to! }));
  emit(opts, { signalId, id: p.messageId, to, traceId: p.traceId, escalate: data.escalate, actor: acting.actor ?? null }, (r) =>
    `${color.green("raised")} signal ${color.bold(r.signalId)} from ${opts.as}${r.actor ? ` by ${r.actor.person} (${r.actor.role})` : ""} to ${r.to}${r.escalate ? " (escalation asked)" : ""}\ntrace ${r.traceId}`);
}

export function registerSignal(program: Command): void {
  const signal = program.command("signal").description("signals of polarisation and tension: raise, acknowledge, triage, report back, the picture");
  signal
    .command("raise")
    .description("report polarisation, tension, an incident or an emerging need (no personal data)")
    .requiredOption("--as <org>", "the reporting organisation (a municipality)")
    .requiredOption("--kind <kind>", `one of ${SIGNAL_KINDS.join(", ")}`)
    .requiredOption("--severity <severity>", `one of ${SEVERITIES.join(", ")}`)
    .requiredOption("--title <text>", "a short title (3–200 characters)")
    .requiredOption("--description <text>", "what was observed; no names or other personal data")
    .option("--escalate", "ask the platform to pass it on (a platform coordinator decides)")
    .option("--to <audience>", "addressee (default: the platform's triage queue; a neighbouring municipality acknowledges it)")
    .option("--tier <tier>", `prevention tier: ${PREVENTION_TIERS.join(", ")}`)
    .option("--forms <forms>", `comma-separated forms of extremism: ${EXTREMISM_FORMS.join(", ")}`)
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => raise(cmd.optsWithGlobals<RaiseOptions>()));
  registerSignalList(signal);
  registerSignalTriage(signal);
  registerSignalAnswers(signal);
  registerSignalInfo(signal);
  registerSignalStats(signal);
}
