/**
 * `schakel signal info`: the organisation that raised a signal answers the platform coordinator's
 * request for more information (triage decision ask-info). The answer goes to the platform, signed,
 * for the signed-in person when there is one; the signal returns to the triage queue as open. One
 * answer per question: a second run sends nothing new.
 */
import type { Command } from "commander";
import { provideSignalInformation } from "@schakel/organisation";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { requireMessageId, requireOrganisation, validateData } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";

interface InfoOptions extends GlobalOptions { as: string; information: string }

async function provide(signalIdArg: string, opts: InfoOptions): Promise<void> {
  const signalId = requireMessageId(signalIdArg, "SIGNAL_ID", `signal list --as ${opts.as}`);
  requireOrganisation(loadDirectory(opts), opts.as);
  // The text is checked before anything else (ids stand in for the ones chosen when sending).
  validateData("signal.info.provided", { signalId, decisionId: signalId, raisedBy: opts.as, information: opts.information, providedAt: new Date().toISOString() }, { information: "--information" });
  const acting = actorFor(opts, opts.as, "provide-signal-info");
  const out = await withBus(opts.as, opts, (bus) => provideSignalInformation(bus, { signalId, information: opts.information, ...acting }));
  emit(opts, { ...out, actor: acting.actor ?? null }, (r) =>
    `${color.green(r.duplicate ? "already answered" : "answered")} the platform's question on signal ${color.bold(r.signalId)} — sent to ${r.to}\ntrace ${r.traceId}`);
}

export function registerSignalInfo(signal: Command): void {
  signal
    .command("info")
    .description("give the platform the information it asked for about a signal you raised (its triage decision ask-info)")
    .argument("<signalId>", "the signal id (from signal list)")
    .requiredOption("--as <org>", "the organisation that raised the signal")
    .requiredOption("--information <text>", "what the platform asked for; no names or other personal data")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => provide(id, cmd.optsWithGlobals<InfoOptions>()));
}
