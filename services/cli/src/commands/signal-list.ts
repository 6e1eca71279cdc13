/**
 * `schakel signal list|show`: for the platform, its triage queue (signals to the platform, newest
 * first, in every state unless `--state` names some; `--all` adds the signals between
 * organisations it saw, metadata only); for any other organisation, the signals it raised (with their routing
 * status, acknowledgement and report) and those addressed or forwarded to it.
 */
import type { Command } from "commander";
import { platformOf, signals } from "@schakel/organisation";
import { openPlatformStores, TRIAGE_STATES, triageQueue, signalRecords } from "@schakel/platform";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, requireMessageId, requireOrganisation } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { personIndexOf } from "./notice-status.ts";
import { queueItemText, queueLine, signalLine, signalText } from "./signal-render.ts";

interface ListOptions extends GlobalOptions { as: string; state?: string; all?: boolean }
interface ShowOptions extends GlobalOptions { as: string }

async function list(opts: ListOptions): Promise<void> {
  const directory = loadDirectory(opts);
  requireOrganisation(directory, opts.as);
  if (opts.as === platformOf(directory)) {
    const states = opts.state && opts.state !== "all" ? opts.state.split(",").map((s) => oneOf("--state", s.trim(), TRIAGE_STATES)) : undefined;
    const items = await withBus(opts.as, opts, async (bus) => triageQueue(await openPlatformStores(bus), { ...(states ? { states } : {}), ...(opts.all ? { all: true } : {}) }));
    emit(opts, items, (r) => r.length ? r.map(queueLine).join("\n") : color.green("the triage queue is empty"));
    return;
  }
  if (opts.state || opts.all) throw new CliError(`--state and --all list the platform's triage queue: use --as ${platformOf(directory)}`, EXIT.usage);
  const records = await withBus(opts.as, opts, (bus) => signals(bus));
  emit(opts, records, (r) => r.length ? r.map(signalLine).join("\n") : `no signals raised by or addressed to ${opts.as}`);
}

async function show(signalIdArg: string, opts: ShowOptions): Promise<void> {
  const signalId = requireMessageId(signalIdArg, "SIGNAL_ID", "signal list");
  const directory = loadDirectory(opts);
  requireOrganisation(directory, opts.as);
  const platform = opts.as === platformOf(directory);
  const found = await withBus(opts.as, opts, async (bus) => platform
    ? (await signalRecords(await openPlatformStores(bus)).get(signalId))?.value
    : (await signals(bus)).find((s) => s.signalId === signalId));
  if (!found) throw new CliError(`no signal ${signalId} at ${opts.as}: check the id (schakel signal list --as ${opts.as})`, EXIT.failure);
  const names = personIndexOf(opts);
  emit(opts, found, (r) => ("route" in r ? queueItemText(r, (p) => names.resolve(p)?.name) : signalText(r)));
}

export function registerSignalList(signal: Command): void {
  signal
    .command("list")
    .description("the platform's triage queue (--as the platform), or your organisation's signals")
    .requiredOption("--as <org>", "the organisation")
    .option("--state <states>", `platform: only these states, comma-separated (${TRIAGE_STATES.join(", ")}; default all)`)
    .option("--all", "platform: also the signals between organisations (metadata only)")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => list(cmd.optsWithGlobals<ListOptions>()));
  signal
    .command("show")
    .description("one signal: what was observed, the proposal, every decision, acknowledgement and report")
    .argument("<signalId>", "the signal id (from signal list)")
    .requiredOption("--as <org>", "the organisation")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => show(id, cmd.optsWithGlobals<ShowOptions>()));
}
