/**
 * `schakel replay`: re-deliver one trace (`--trace ID`) or a time window (`--since`, `--until`,
 * `--type GLOB`, `--from ORG`) in the original order, at `--pace instant|original|<factor>x`,
 * either into a sandbox namespace (`--into NAME`: stream SANDBOX, short retention, read through
 * the consumer `sandbox--NAME` by a service running with replayMode) or straight into a local
 * handler module (`--handler path.ts`). Copies keep their ids and envelopes and carry the replay
 * marker; nothing reaches a live subject or stream. Writing the sandbox is an operator right: the
 * command runs with the data folder's admin identity (a developer tool).
 */
import type { Command } from "commander";
import cliProgress from "cli-progress";
import { tsImport } from "tsx/esm/api";
import { SubjectError } from "@schakel/contracts";
import { loadHandlers, NotIndexedError, parsePace, replay, type ReplayInto, type ReplayProgress, type ReplayResult, type ReplaySelection } from "@schakel/tracing";
import { dataDirOf, loadDirectory, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { requireOrganisation } from "../input/checks.ts";
import { parseDuration, parseTime } from "../input/time-input.ts";
import { color, emit, note } from "../output.ts";
import { recordRun } from "../replay/run-record.ts";
import { safeText } from "../safe-text.ts";
import { registerReplayShow } from "./replay-show.ts";
import { connectOperatorOf } from "./trace.ts";

interface ReplayOptions extends GlobalOptions {
  trace?: string;
  since?: string;
  until?: string;
  type?: string;
  from?: string;
  into?: string;
  handler?: string;
  pace?: string;
}

/** `--since`/`--until`: a time with a zone or a duration ago (15m, 2h, 1d). */
function parseMoment(option: string, text: string, now = new Date()): Date {
  const ms = parseDuration(text, option);
  if (ms !== undefined) return new Date(now.getTime() - ms);
  const at = parseTime(text, option);
  if (!at) throw new CliError(`${option} "${text}" is neither a time (e.g. 2026-11-28T10:00:00Z) nor a duration ago (e.g. 15m, 2h)`, EXIT.usage);
  return at;
}

function selectionOf(o: ReplayOptions): ReplaySelection {
  if ((o.trace === undefined) === (o.since === undefined)) throw new CliError("give either --trace ID or a window with --since (and optionally --until, --type, --from)", EXIT.usage);
  if (o.trace !== undefined) {
    if (o.until || o.type || o.from) throw new CliError("--until, --type and --from select a window: use them with --since, not with --trace", EXIT.usage);
    return { trace: o.trace };
  }
  const since = parseMoment("--since", o.since!);
  const until = o.until ? parseMoment("--until", o.until) : undefined;
  if (until && until < since) throw new CliError(`--until ${until.toISOString()} is before --since ${since.toISOString()}`, EXIT.usage);
  return { since, ...(until ? { until } : {}), ...(o.type ? { typeGlob: o.type } : {}), ...(o.from ? { from: o.from } : {}) };
}

/** Progress on stderr once a replay runs longer than a second: a bar on a terminal, else a line every 2 s. */
function progressReporter(): { update(p: ReplayProgress): void; stop(): void } {
  const started = Date.now();
  let last: ReplayProgress | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let printed = 0;
  const tick = setInterval(() => {
    if (!last || Date.now() - started < 1_000) return;
    if (process.stderr.isTTY) {
      bar ??= new cliProgress.SingleBar({ stream: process.stderr, format: "replay [{bar}] {value}/{total} messages, at {at}", hideCursor: true }, cliProgress.Presets.shades_classic);
      if (!bar.isActive) bar.start(last.total ?? last.done, last.done, { at: last.at });
      bar.setTotal(last.total ?? last.done);
      bar.update(last.done, { at: last.at });
    } else if (Date.now() - printed >= 2_000) {
      printed = Date.now();
      note(`replay: ${last.done}${last.total ? `/${last.total}` : ""} messages, at ${last.at}`);
    }
  }, 200);
  return { update: (p) => void (last = p), stop: () => (clearInterval(tick), bar?.stop()) };
}

function summary(r: ReplayResult): string {
  const what = r.traceId ? `trace ${r.traceId}` : "the window";
  const pace = r.pace.kind === "instant" ? "instantly" : r.pace.factor === 1 ? "at the original pace" : `at ${r.pace.factor}x`;
  const lines = [`replayed ${r.replayed} message(s) of ${what} ${pace} in ${(r.durationMs / 1000).toFixed(2)} s`];
  if (r.into.kind === "sandbox") {
    lines.push(`into sandbox ${color.bold(r.into.name)}: stream ${r.into.stream}, consumer ${r.into.consumer} (consume it with replayMode: true)`);
  } else {
    const o = r.outcomes!;
    lines.push(`into the handler: ${o.handled} handled, ${o.ignored} without a handler, ${o.refused} refused, ${o.failed} failed`);
    for (const m of r.messages) {
      if (m.outcome?.kind === "failed") lines.push(color.red(`  #${m.seq} ${m.outcome.type}: ${safeText(m.outcome.error)}`));
      if (m.outcome?.kind === "refused") lines.push(color.yellow(`  #${m.seq} refused (${m.outcome.reason}): ${safeText(m.outcome.detail)}`));
    }
    for (const a of r.replies ?? []) lines.push(color.dim(`  answer not sent: ${a.type} → ${a.to} (to ${a.inReplyTo})`));
  }
  lines.push(color.dim(`run ${r.runId}; list it again: npx schakel replay show ${r.runId}`));
  return lines.join("\n");
}

async function replayCommand(o: ReplayOptions): Promise<void> {
  const select = selectionOf(o);
  if (o.from !== undefined) requireOrganisation(loadDirectory(o), o.from, "--from");
  if ((o.into === undefined) === (o.handler === undefined)) throw new CliError("give either --into NAME (a sandbox namespace) or --handler FILE (a handler module)", EXIT.usage);
  let pace;
  try {
    pace = parsePace(o.pace ?? "instant");
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage);
  }
  let into: ReplayInto;
  if (o.handler !== undefined) {
    try {
      // tsx's own import: a .ts module loads as ESM wherever it lies. Resolved from the module itself,
      // not from this .ts file, so that `handler.js` is that file and not a `handler.ts` beside it.
      into = { handlers: await loadHandlers(o.handler, (url) => tsImport(url, url)), directory: loadDirectory(o) };
    } catch (err) {
      throw new CliError(`cannot load the handler module: ${(err as Error).message}`, EXIT.usage);
    }
  } else into = { sandbox: o.into! };
  const op = await connectOperatorOf(o, "schakel-cli:replay");
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once("SIGINT", onSignal);
  const progress = progressReporter();
  try {
    const result = await replay(op, { select, into, pace, signal: abort.signal, onProgress: progress.update });
    progress.stop();
    if (abort.signal.aborted) note(color.yellow(`stopped after ${result.replayed} message(s)`));
    await recordRun(dataDirOf(o), result).catch((err) => note(color.yellow(`the run was not recorded for "replay show": ${(err as Error).message}`)));
    emit(o, result, summary);
  } catch (err) {
    if (err instanceof NotIndexedError) throw new CliError(err.message, EXIT.usage); // not found: exit 2, as everywhere
    if (err instanceof SubjectError) throw new CliError(err.message, EXIT.usage);
    throw err;
  } finally {
    progress.stop();
    process.off("SIGINT", onSignal);
    await op.close();
  }
}

export function registerReplay(program: Command): void {
  const command = program
    .command("replay")
    .description("replay a trace or a time window, in order, into a sandbox namespace or a local handler (never into live subjects)")
    .option("--trace <id>", "the trace to replay: a trace id, message id or notice id")
    .option("--since <time>", "window start: a time (2026-11-28T10:00:00Z) or a duration ago (15m)")
    .option("--until <time>", "window end (default: what is stored when the replay starts)")
    .option("--type <glob>", "only these types in the window, e.g. notice.*, *.raised")
    .option("--from <org>", "only messages sent by this organisation")
    .option("--into <name>", "sandbox namespace: subjects sandbox.<name>.…, consumer sandbox--<name>")
    .option("--handler <file>", "a module exporting `handlers` (a service's typed handlers) to run the messages through")
    .option("--pace <pace>", "instant (default), original, or a speed-up like 10x")
    .option("--json", "print the result as JSON")
    .addHelpText("after", `
A handler module (.ts, .mts, .js or .mjs; exactly the file given) exports \`handlers\` (or a default
export): an object from message type to an async function receiving a typed delivery, as a
service's handlers. Answers it sends are validated and listed, never published. See docs/CLI.md.`)
    .action(async (_opts: unknown, cmd: Command) => replayCommand(cmd.optsWithGlobals<ReplayOptions>()));
  registerReplayShow(command);
}
