/**
 * `schakel case list`: the cases an organisation takes part in, newest first — metadata only
 * (reference, LIVC-R, participants, opened, plan tasks with owner, deadline and report time,
 * closed or handed over). Nothing sealed is opened (`case show` opens the content). Each case
 * reference shown is a read of a record about a person, so, as for `schakel feed` and the
 * console's lists, one read per case (kind "record") is recorded before the list is printed.
 */
import type { Command } from "commander";
import { caseFiles } from "@schakel/organisation";
import { caseRowOf, renderCaseRows } from "../case/render.ts";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { requireOrganisation } from "../input/checks.ts";
import { emit } from "../output.ts";
import { recordCliRead } from "../reads/record-cli-read.ts";

interface ListOptions extends GlobalOptions { as: string }

async function list(opts: ListOptions): Promise<void> {
  const directory = loadDirectory(opts);
  requireOrganisation(directory, opts.as);
  const rows = await withBus(opts.as, opts, async (bus) => {
    const files = await caseFiles(bus);
    for (const c of files) await recordCliRead(bus, opts, { kind: "record", purpose: "schakel case list", messageIds: [c.opened.id], caseRef: c.caseRef });
    return files.map(caseRowOf);
  });
  emit(opts, rows, (r) => renderCaseRows(r, opts.as));
}

export function registerCaseList(c: Command): void {
  c
    .command("list")
    .description("the cases your organisation takes part in: metadata only, nothing sealed is opened")
    .requiredOption("--as <org>", "the organisation")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => list(cmd.optsWithGlobals<ListOptions>()));
}
