/**
 * `schakel obligations`: what is owed and not yet done — unacknowledged notices and unanswered
 * requests with a deadline, oldest first, overdue and escalated ones marked. The platform's read
 * model (`openObligations` of @schakel/platform), the one the console shows.
 */
import type { Command } from "commander";
import { OBLIGATION_KINDS } from "@schakel/contracts";
import { openObligations, openPlatformStores, type OpenObligation } from "@schakel/platform";
import { platformOf } from "@schakel/organisation";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { oneOf, requireOrganisation } from "../input/checks.ts";
import { color, emit, readableTime as time } from "../output.ts";
import { safeText } from "../safe-text.ts";

interface ObligationsOptions extends GlobalOptions { owedBy?: string; owedTo?: string; kind?: string; overdue?: boolean }


function render(list: OpenObligation[]): string {
  if (!list.length) return color.green("nothing is owed");
  return list.map((o) => {
    const state = o.escalated ? color.red("escalated") : o.overdue ? color.red("overdue") : color.yellow("open");
    return `${state} ${o.owedBy} owes ${o.owedTo} ${o.kind} of ${o.reference} by ${time(o.deadline)}${o.title ? ` "${safeText(o.title)}"` : ""}`;
  }).join("\n");
}

async function obligations(opts: ObligationsOptions): Promise<void> {
  const directory = loadDirectory(opts);
  if (opts.owedBy) requireOrganisation(directory, opts.owedBy, "--owed-by");
  if (opts.owedTo) requireOrganisation(directory, opts.owedTo, "--owed-to");
  const kind = opts.kind !== undefined ? oneOf("--kind", opts.kind, OBLIGATION_KINDS) : undefined;
  const open = await withBus(platformOf(directory), opts, async (bus) => openObligations(await openPlatformStores(bus), {
    ...(opts.owedBy ? { owedBy: opts.owedBy } : {}), ...(opts.owedTo ? { owedTo: opts.owedTo } : {}), ...(kind ? { kind } : {}),
  }));
  emit(opts, opts.overdue ? open.filter((o) => o.overdue) : open, render);
}

export function registerObligations(program: Command): void {
  program
    .command("obligations")
    .description("open obligations: unacknowledged notices and unanswered requests, oldest first, overdue and escalated marked")
    .option("--owed-by <org>", "only what this organisation owes")
    .option("--owed-to <org>", "only what is owed to this organisation")
    .option("--kind <kind>", `only ${OBLIGATION_KINDS.join(" or ")}`)
    .option("--overdue", "only those past their deadline")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => obligations(cmd.optsWithGlobals<ObligationsOptions>()));
}
