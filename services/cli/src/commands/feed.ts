/**
 * `schakel feed --as ORG`: what an organisation may see, from any point (`--since`), live with
 * `--follow`, resumable: the last stream sequence is printed at the end, and `--since` that
 * sequence continues exactly after it. `--json` prints one JSON object per message (NDJSON), so
 * a script can read a followed feed line by line. When the bus goes away, the feed waits for it
 * (up to `--wait`) and carries on after the last sequence read (feed/reading.ts). A message shown
 * that carries a case reference (a notice about a person, a case consultation) is recorded in the
 * read audit before it is printed (reads/record-cli-read.ts); nothing else is.
 */
import type { Command } from "commander";
import { MESSAGE_TYPES } from "@schakel/contracts";
import { loadDirectory, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { describe, printable, typeMatcher, type FeedItem } from "../feed/item.ts";
import { readFeed } from "../feed/reading.ts";
import { requireOrganisation } from "../input/checks.ts";
import { parseSince } from "../input/time-input.ts";
import { recordCliRead } from "../reads/record-cli-read.ts";
import { color, note, readableTime } from "../output.ts";
import { safeJson, safeText } from "../safe-text.ts";

interface FeedOptions extends GlobalOptions { as: string; type?: string; since?: string; follow?: boolean }

/** The `--type` filter, checked against the catalog so that a typo does not silently show nothing. */
export function parseTypeFilter(text: string | undefined): ((type: string) => boolean) | undefined {
  if (text === undefined) return undefined;
  if (!/^[a-z*>.,-]+$/.test(text)) throw new CliError(`--type "${text}" may contain only lower-case letters, '.', '*' and ',' (e.g. notice.*, *.raised)`, EXIT.usage);
  const match = typeMatcher(text);
  if (!MESSAGE_TYPES.some(match)) throw new CliError(`--type "${text}" matches no message type; see "npx schakel contracts list"`, EXIT.usage);
  return match;
}

/** One line for people. */
export function feedLine(i: FeedItem): string {
  const head = `${color.dim(`#${i.seq}`)} ${color.dim(readableTime(i.storedAt))} ${i.sender} → ${i.audience} ${color.cyan(i.type)}`;
  if (i.refused) return `${head} ${color.red(`refused (${i.refused.reason}): ${safeText(i.refused.detail)}`)}`;
  return `${head} ${safeText(describe(i.type, i.data))}${i.traceId ? color.dim(` trace ${i.traceId.slice(0, 12)}…`) : ""}`;
}

/** The case reference a verified message carries in the clear, if any. */
function caseRefOf(item: FeedItem): string | undefined {
  const ref = (item.data as { caseRef?: unknown } | undefined)?.caseRef;
  return typeof ref === "string" ? ref : undefined;
}

async function feed(opts: FeedOptions): Promise<void> {
  const directory = loadDirectory(opts);
  requireOrganisation(directory, opts.as);
  const matches = parseTypeFilter(opts.type) ?? (() => true);
  const start = parseSince(opts.since);
  let shown = 0;
  const { lastSeq } = await readFeed(opts, start, async (item, bus) => {
    if (!matches(item.type)) return;
    const caseRef = caseRefOf(item);
    if (caseRef !== undefined && item.id !== undefined) {
      await recordCliRead(bus, opts, { kind: item.type === "notice.posted" ? "notice" : "record", purpose: "schakel feed", messageIds: [item.id], caseRef });
    }
    shown++;
    process.stdout.write((opts.json ? safeJson(printable(item)) : feedLine(item)) + "\n");
  });
  const resume = lastSeq !== undefined ? ` — last sequence ${lastSeq}; resume with: npx schakel feed --as ${opts.as} --since ${lastSeq}` : "";
  note(color.dim(`${shown} message(s)${resume}`));
}

export function registerFeed(program: Command): void {
  program
    .command("feed")
    .description("what an organisation may see: from any point, live with --follow, resumable with --since SEQ")
    .requiredOption("--as <org>", "read as this organisation (the platform sees everything between the levels)")
    .option("--type <glob>", "only these types, comma-separated globs: notice.*, *.raised, escalation.raised")
    .option("--since <point>", "after a stream sequence (42), from a time (2026-11-28T10:00:00Z), a while ago (15m), or now")
    .option("--follow", "keep printing new messages until Ctrl-C")
    .option("--json", "one JSON object per message (NDJSON)")
    .action((_o, cmd: Command) => feed(cmd.optsWithGlobals<FeedOptions>()));
}
