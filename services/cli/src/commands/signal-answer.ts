/**
 * `schakel signal ack|report-back`: the organisation a signal was addressed to (a neighbour) or
 * forwarded to (the partner named in a triage decision) acknowledges it; the partner reports
 * back on what it did, to the platform and the raiser. Both act for the signed-in person when
 * there is one, and are sent once (a second run sends nothing new).
 */
import type { Command } from "commander";
import { acknowledgeSignal, reportBackOnSignal } from "@schakel/organisation";
import { withBus, loadDirectory, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { requireMessageId, requireOrganisation } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";

interface AckOptions extends GlobalOptions { as: string; remark?: string }
interface ReportOptions extends GlobalOptions { as: string; outcome: string }

async function ack(signalIdArg: string, opts: AckOptions): Promise<void> {
  const signalId = requireMessageId(signalIdArg, "SIGNAL_ID", "signal list");
  requireOrganisation(loadDirectory(opts), opts.as);
  const acting = actorFor(opts, opts.as, "acknowledge-signal");
  const out = await withBus(opts.as, opts, (bus) => acknowledgeSignal(bus, { signalId, ...(opts.remark ? { remark: opts.remark } : {}), ...acting }));
  if (out.outcome === "unknown-signal") throw new CliError(out.message, EXIT.failure);
  emit(opts, { ...out, actor: acting.actor ?? null }, (r) => `${color.green(r.outcome)} signal ${color.bold(r.signalId)} — sent to ${r.to}`);
}

async function reportBack(signalIdArg: string, opts: ReportOptions): Promise<void> {
  const signalId = requireMessageId(signalIdArg, "SIGNAL_ID", "signal list");
  requireOrganisation(loadDirectory(opts), opts.as);
  const acting = actorFor(opts, opts.as, "report-back-signal");
  const out = await withBus(opts.as, opts, (bus) => reportBackOnSignal(bus, { signalId, outcome: opts.outcome, ...acting }));
  emit(opts, { ...out, actor: acting.actor ?? null }, (r) => `${color.green(r.duplicate ? "already reported back" : "reported back")} on signal ${color.bold(r.signalId)} — sent to ${r.to.join(", ")}`);
}

export function registerSignalAnswers(signal: Command): void {
  signal
    .command("ack")
    .description("acknowledge a signal addressed or forwarded to your organisation")
    .argument("<signalId>", "the signal id (from signal list)")
    .requiredOption("--as <org>", "the organisation it was addressed or forwarded to")
    .option("--remark <text>", "an optional remark for the raiser or the platform")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => ack(id, cmd.optsWithGlobals<AckOptions>()));
  signal
    .command("report-back")
    .description("report what your organisation did with a signal the platform forwarded to it")
    .argument("<signalId>", "the signal id (from signal list)")
    .requiredOption("--as <org>", "the partner named in the triage decision")
    .requiredOption("--outcome <text>", "what was done; no names or other personal data")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => reportBack(id, cmd.optsWithGlobals<ReportOptions>()));
}
