/**
 * `schakel status`: one screen of the whole bus for an operator — per organisation connected or
 * not, how far behind, its last message, overdue obligations and dead letters in the window; the
 * streams; the auditor's position. Exit codes for a monitoring check: 0 healthy, 1 degraded (the
 * last line says why), 2 bad input, 3 bus unreachable (after `--wait`). `--watch` redraws until
 * Ctrl-C (exit 0). Reads with the data folder's operator (admin) identity; never publishes.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { z } from "zod";
import { ADMIN_ID } from "@schakel/contracts";
import { connectError, OperatorConnection } from "@schakel/contracts/bus";
import { credentialsPath } from "@schakel/infra";
import { unreachableReason, waitForBus, waitOf } from "../bus-wait.ts";
import { dataDirOf, loadDirectory, serverUrlSource, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { requireOrganisation } from "../input/checks.ts";
import { parseDuration } from "../input/time-input.ts";
import { emit } from "../output.ts";
import { readEndpoints } from "../status/endpoints.ts";
import { Gatherer } from "../status/gather.ts";
import { judge, type JudgeOptions, type StatusReport } from "../status/judge.ts";
import { renderStatus } from "../status/render.ts";
import { watchStatus } from "../status/watch.ts";

export interface StatusOptions extends GlobalOptions {
  org?: string;
  all?: boolean;
  watch?: string | boolean;
  maxLag?: string;
  window?: string;
}

const OperatorFile = z.object({ id: z.string(), seed: z.string().regex(/^SU[A-Z2-7]{56}$/) });
const DEFAULT_MAX_LAG = 100;
const DEFAULT_WINDOW_MS = 3_600_000;
const DEFAULT_WATCH_MS = 2_000;

/** A duration option, or its default; exit 2 naming the option when it is not a duration. */
function durationOption(option: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text, option);
  if (ms === undefined || ms < min) throw new CliError(`${option} "${text}" is not a duration (e.g. 2s, 30s, 1h)`, EXIT.usage);
  return ms;
}

function maxLagOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_LAG;
  if (!/^\d+$/.test(text)) throw new CliError(`--max-lag "${text}" is not a number of messages (e.g. 100)`, EXIT.usage);
  return Number(text);
}

/** Connects as the data folder's operator, waiting up to `--wait` for the bus (exit 3). */
async function connectOperator(opts: GlobalOptions, reconnect: boolean): Promise<{ op: OperatorConnection; url: string }> {
  const path = credentialsPath(dataDirOf(opts), ADMIN_ID);
  const parsed = OperatorFile.safeParse(JSON.parse(await readFile(path, "utf8").catch(() => "null")));
  if (!parsed.success) throw new CliError(`no operator credentials in ${path}: run "schakel up" (or pass --data DIR)`, EXIT.usage);
  return waitForBus(serverUrlSource(opts), async (url) => {
    try {
      return { op: await OperatorConnection.connect({ servers: url, as: ADMIN_ID, seed: parsed.data.seed, name: "schakel-cli:status", reconnect }), url };
    } catch (err) {
      throw connectError(err, [url], ADMIN_ID);
    }
  }, { waitMs: waitOf(opts) });
}

async function status(opts: StatusOptions): Promise<void> {
  const directory = loadDirectory(opts);
  if (opts.org !== undefined) requireOrganisation(directory, opts.org, "--org");
  const windowMs = durationOption("--window", opts.window, DEFAULT_WINDOW_MS);
  const maxLag = maxLagOf(opts.maxLag);
  const watchMs = opts.watch === undefined ? undefined : durationOption("--watch", opts.watch === true ? undefined : String(opts.watch), DEFAULT_WATCH_MS, 100);
  const { op, url } = await connectOperator(opts, watchMs !== undefined);
  const judging: JudgeOptions = { url, maxLag, windowMs, org: opts.org };
  const gatherer = new Gatherer(op, windowMs);
  const round = async (): Promise<StatusReport> => judge(await gatherer.gather(readEndpoints(opts, url)), directory, judging);
  try {
    if (watchMs !== undefined) {
      await watchStatus(round, { intervalMs: watchMs, url, json: opts.json === true, all: opts.all === true, close: () => op.close() });
      return;
    }
    const report = await round().catch((err: unknown) => {
      const why = unreachableReason(err);
      // The bus went away between connecting and reading: that is exit 3 too.
      throw why?.kind === "unreachable" ? new CliError(`lost the bus at ${url} while reading it (${why.reason}): is "npx schakel up" running?`, EXIT.unreachable) : err;
    });
    emit(opts, report, (r) => renderStatus(r, { all: opts.all === true }));
    if (report.health === "degraded") process.exitCode = EXIT.failure;
  } finally {
    await op.close();
  }
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("one screen of the whole bus: organisations connected and keeping up, overdue obligations, dead letters, streams, the auditor")
    .option("--json", "print one JSON document (with --watch: one per line, each round)")
    .option("--watch [interval]", "redraw every interval (default 2s) until Ctrl-C")
    .option("--org <id>", "only this organisation (shown and judged)")
    .option("--all", "list every organisation (default: the worst 20, then a count of the rest)")
    .option("--max-lag <messages>", `degraded when an organisation's inbox or the auditor is more than this behind (default ${DEFAULT_MAX_LAG})`)
    .option("--window <duration>", "how far back to look for last messages and dead letters (default 1h)")
    .addHelpText("after", `
Exit codes: 0 healthy · 1 degraded (the last line says why) · 2 bad input · 3 bus unreachable (after --wait; --wait 0 fails at once).
Degraded means: an organisation disconnected or without inbox consumers, more than --max-lag behind, owing an
overdue obligation, or with dead letters in the window; or the auditor behind, not started or not connected.
Connected comes from the services' readiness (healthUrl) and nats-server's monitoring (monitorUrl) that
"schakel up" writes in connection.json; without either it is "?" unless a reader is pulling from the inbox.`)
    .action(async (_opts: unknown, command: Command) => status(command.optsWithGlobals<StatusOptions>()));
}
