/**
 * `schakel deadletter list|show|redrive`: the messages receivers refused, read from the DEADLETTER
 * stream as the data folder's admin operator. `list` prints them as a table (or JSON) by
 * refusing organisation, reason and time, a page at a time (`--limit`, `--after`); `show` one with its headers and the original's
 * envelope metadata (never its data); `redrive` publishes again those that pass today's checks
 * (deadletter-redrive.ts). Exit codes: 0 done, 2 bad input, 3 bus unreachable.
 */
import type { Command } from "commander";
import { REJECT_REASONS } from "@schakel/contracts/bus";
import { runningBus } from "../backup/operator.ts";
import { loadDirectory, type GlobalOptions } from "../context.ts";
import { deadLetterPage } from "../deadletter/records.ts";
import { renderDeadLetterList } from "../deadletter/render.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, requireOrganisation, wholeNumber } from "../input/checks.ts";
import { parseDuration, parseTime } from "../input/time-input.ts";
import { emit, note } from "../output.ts";
import { registerDeadletterRedrive } from "./deadletter-redrive.ts";
import { registerDeadletterShow } from "./deadletter-show.ts";

interface ListOptions extends GlobalOptions { org?: string; reason?: string; since?: string; limit?: string; after?: string }

/** Rows per page unless --limit says otherwise, and the most one page may hold. */
const PAGE = 100;
const MAX_PAGE = 10_000;

/** `--since 2h` (that long ago) or `--since 2026-12-06T10:00:00Z`. @throws CliError (exit 2) for anything else */
function sinceOf(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text, "--since");
  if (ms !== undefined) return new Date(Date.now() - ms);
  const at = parseTime(text, "--since");
  if (at) return at;
  throw new CliError(`--since "${text}" is neither a duration ago (e.g. 15m, 2d) nor a time (e.g. 2026-12-06T10:00:00Z)`, EXIT.usage);
}

async function list(opts: ListOptions): Promise<void> {
  if (opts.org !== undefined) requireOrganisation(loadDirectory(opts), opts.org, "--org");
  const reason = opts.reason === undefined ? undefined : oneOf("--reason", opts.reason, REJECT_REASONS);
  const since = sinceOf(opts.since);
  const limit = wholeNumber("--limit", opts.limit, 1, MAX_PAGE) ?? PAGE;
  const after = wholeNumber("--after", opts.after, 0);
  const bus = await runningBus(opts, "schakel-cli:deadletter");
  try {
    const query = { ...(opts.org ? { org: opts.org } : {}), ...(reason ? { reason } : {}), ...(since ? { since } : {}), ...(after !== undefined ? { after } : {}) };
    const { rows, more } = await deadLetterPage(bus.op, query, limit);
    emit(opts, rows, renderDeadLetterList);
    // On stderr, so --json stays one array: where the next page starts.
    if (more) note(`more dead letters match: add --after ${rows[rows.length - 1]!.seq} for the next ${limit}`);
  } finally {
    await bus.close();
  }
}

export function registerDeadletter(program: Command): void {
  const deadletter = program.command("deadletter").description("list, show and re-drive the messages receivers refused (the DEADLETTER stream)");
  deadletter
    .command("list")
    .description("the dead letters, oldest first: sequence, time, refusing organisation, reason, original subject, detail")
    .option("--org <id>", "only those this organisation's consumers refused")
    .option("--reason <reason>", "only those refused for this reason (e.g. clock-skew, forged, handler-failed)")
    .option("--since <time>", "only those stored since: a duration ago (15m, 2d) or a time (2026-12-06T10:00:00Z)")
    .option("--limit <n>", `at most this many (default ${PAGE}, at most ${MAX_PAGE}); when more match, stderr names the --after of the next page`)
    .option("--after <seq>", "only those after this sequence (the last one of the previous page)")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => list(cmd.optsWithGlobals<ListOptions>()));
  registerDeadletterShow(deadletter);
  registerDeadletterRedrive(deadletter);
}
