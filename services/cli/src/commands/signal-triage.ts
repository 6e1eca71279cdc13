/**
 * `schakel signal triage`: a platform coordinator decides on a signal in the triage queue —
 * forward it to a named partner (who must acknowledge and report back by the deadlines), keep and
 * monitor it, ask the raiser for more information, or close it — always with a reason. The
 * decision is signed by the platform and carries the coordinator as the acting person; without a
 * `schakel login` session as a platform coordinator nothing is sent (exit 2).
 */
import type { Command } from "commander";
import { TRIAGE_DECISIONS } from "@schakel/contracts";
import { platformOf } from "@schakel/organisation";
import { triageSignal } from "@schakel/platform";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, requireMessageId, requireOrganisation } from "../input/checks.ts";
import { parseDeadline } from "../input/time-input.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";

interface TriageOptions extends GlobalOptions {
  as?: string; decision: string; reason: string; partner?: string; acknowledgeBy?: string; reportBackBy?: string;
}

async function triage(signalIdArg: string, opts: TriageOptions): Promise<void> {
  const signalId = requireMessageId(signalIdArg, "SIGNAL_ID", "signal list");
  const directory = loadDirectory(opts);
  const platform = platformOf(directory);
  const as = opts.as ?? platform;
  requireOrganisation(directory, as);
  if (as !== platform) throw new CliError(`--as ${as}: only the platform (${platform}) keeps the triage queue; a platform coordinator triages --as ${platform}`, EXIT.usage);
  const decision = oneOf("--decision", opts.decision, TRIAGE_DECISIONS);
  if (decision === "forward" && !opts.partner) throw new CliError("--partner: a forward names the partner organisation that takes the signal up", EXIT.usage);
  if (decision !== "forward" && (opts.partner || opts.acknowledgeBy || opts.reportBackBy)) {
    throw new CliError(`--partner, --acknowledge-by and --report-back-by go with --decision forward only, not ${decision}`, EXIT.usage);
  }
  if (opts.partner) requireOrganisation(directory, opts.partner, "--partner");
  const now = new Date();
  const acknowledgeBy = opts.acknowledgeBy ? parseDeadline("--acknowledge-by", opts.acknowledgeBy, now) : undefined;
  const reportBackBy = opts.reportBackBy ? parseDeadline("--report-back-by", opts.reportBackBy, now) : undefined;
  const { actor } = actorFor(opts, as, "triage-signal");
  if (!actor) throw new CliError(`a triage decision is a platform coordinator's: sign in first ("npx schakel login") as a person of ${platform} with the role platform-coordinator`, EXIT.usage);
  const out = await withBus(as, opts, (bus) => triageSignal(bus, {
    signalId, decision, reason: opts.reason, actor,
    ...(opts.partner ? { partner: opts.partner } : {}), ...(acknowledgeBy ? { acknowledgeBy } : {}), ...(reportBackBy ? { reportBackBy } : {}),
  }, now));
  emit(opts, { ...out, actor }, (r) => [
    `${color.green("decided")} ${color.bold(r.decision)} on signal ${color.bold(r.signalId)} by ${r.actor.person} (${r.actor.role}); now ${r.state}`,
    ...(r.partner ? [`forwarded to ${r.partner}: acknowledge by ${r.acknowledgeBy}, report back by ${r.reportBackBy} (escalated when missed)`] : []),
    `routing status sent to ${r.to.join(", ")}`,
  ].join("\n"));
}

export function registerSignalTriage(signal: Command): void {
  signal
    .command("triage")
    .description("a platform coordinator decides on a signal in the triage queue, with a reason")
    .argument("<signalId>", "the signal id (from signal list --as the platform)")
    .option("--as <org>", "the platform organisation (default: the registry's platform)")
    .requiredOption("--decision <decision>", `one of ${TRIAGE_DECISIONS.join(", ")}`)
    .requiredOption("--reason <text>", "why (shown to the raiser and the partner)")
    .option("--partner <org>", "forward: the organisation that takes the signal up")
    .option("--acknowledge-by <when>", "forward: the partner acknowledges by then (duration such as 2d, or a time; default 2d)")
    .option("--report-back-by <when>", "forward: the partner reports back by then (default 14d)")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => triage(id, cmd.optsWithGlobals<TriageOptions>()));
}
