/**
 * `schakel trace ID`: the causal flow of one trace — found by trace id, message id or notice id
 * in the platform's trace index — in lanes per level with time offsets, delivery and
 * acknowledgement latencies, missing acknowledgements and escalations. `--json` adds every
 * stored message exactly as JetStream holds it. Reads with the operator identity of the data
 * folder (reading stored messages by sequence is an operator right); waits briefly for the
 * indexer to catch up so a trace right after a flow is complete.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { z } from "zod";
import { isMessageUuid, isTraceId, SchakelError } from "@schakel/contracts";
import { ADMIN_ID, credentialsPath } from "@schakel/infra";
import { buildFlow, connectOperator, envelopeOf, loadStored, lookupTrace, orgsFrom, renderFlow, waitForIndex, type Flow, type Operator } from "@schakel/tracing";
import { dataDirOf, loadDirectory, platformOrg, serverUrl, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { parseDuration } from "../input/time-input.ts";
import { color, emit, note } from "../output.ts";

const OperatorFile = z.object({ id: z.string(), seed: z.string().regex(/^SU[A-Z2-7]{56}$/) });

/** Connects with the data folder's operator (admin) identity; exit 3 when the bus is not there. */
export async function connectOperatorOf(opts: GlobalOptions, name: string): Promise<Operator> {
  const path = credentialsPath(dataDirOf(opts), ADMIN_ID);
  const parsed = OperatorFile.safeParse(JSON.parse(await readFile(path, "utf8").catch(() => "null")));
  if (!parsed.success) throw new CliError(`no operator credentials in ${path}: run "schakel up" (or pass --data DIR)`, EXIT.usage);
  try {
    return await connectOperator({ servers: serverUrl(opts), seed: parsed.data.seed, name });
  } catch (err) {
    if (err instanceof SchakelError && err.code === "unreachable") throw new CliError(err.message, EXIT.unreachable);
    throw err;
  }
}

/** How long to wait for the index to catch up: `--wait 5s` (default), `--wait 0` not at all. */
export function parseWait(text: string | undefined): number {
  if (text === undefined) return 5_000;
  if (text.trim() === "0") return 0;
  const ms = parseDuration(text);
  if (ms === undefined) throw new CliError(`--wait "${text}" is not a duration such as 5s, 500ms or 0`, EXIT.usage);
  return ms;
}

interface TraceOptions extends GlobalOptions { wait?: string }

/** The flow as plain data for scripts (rows reference messages by their number `n`). */
function flowJson(flow: Flow) {
  return {
    startedAt: flow.startedAt,
    durationMs: flow.durationMs,
    levels: flow.levels,
    rows: flow.messages.map(({ entry, ...m }) => ({ ...m, id: entry.id, type: entry.type, sender: entry.sender, audience: entry.audience, stream: entry.stream, seq: entry.seq, storedAt: entry.storedAt, causation: entry.causation ?? null })),
    obligations: flow.obligations,
    escalations: flow.escalations,
  };
}

async function trace(id: string, opts: TraceOptions): Promise<void> {
  const wanted = id.trim().toLowerCase();
  if (!isTraceId(wanted) && !isMessageUuid(wanted)) {
    throw new CliError(`"${id}" is neither a trace id (32 hex characters) nor a message or notice id (a UUID)`, EXIT.usage);
  }
  const waitMs = parseWait(opts.wait);
  const directory = loadDirectory(opts);
  const op = await connectOperatorOf(opts, "schakel-cli:trace");
  try {
    const lag = await waitForIndex(op.jsm, platformOrg(directory), waitMs);
    if (!lag.provisioned) throw new CliError("the bus has no trace-index consumers: provision it with \"schakel up\"", EXIT.failure);
    const found = await lookupTrace(op.index, wanted);
    if (!found) {
      const hint = lag.caughtUp ? "" : ` (the index is ${lag.behind} message(s) behind: is the platform running?)`;
      throw new CliError(`no trace, message or notice "${id}" in the trace index${hint}`, EXIT.failure);
    }
    if (!lag.caughtUp) note(color.yellow(`the trace index is ${lag.behind} message(s) behind; showing what it holds`));
    const flow = buildFlow(found.traceId, found.entries, orgsFrom(directory));
    if (opts.json) {
      const { messages, missing } = await loadStored(op.jsm, found.entries);
      const numbered = new Map(flow.messages.map((m) => [`${m.entry.stream}#${m.entry.seq}`, m.n]));
      emit(opts, {
        traceId: found.traceId, via: found.via, indexBehind: lag.behind, dropped: found.dropped,
        messages: messages.map((m) => ({ n: numbered.get(`${m.stream}#${m.seq}`), stream: m.stream, seq: m.seq, subject: m.subject, storedAt: m.storedAt, headers: m.headers, envelope: envelopeOf(m) })),
        expired: missing.map((e) => ({ stream: e.stream, seq: e.seq, id: e.id })),
        flow: flowJson(flow),
      }, () => "");
      return;
    }
    emit(opts, flow, (f) => renderFlow(f, { style: color, via: found.via, dropped: found.dropped, behind: lag.behind }));
  } finally {
    await op.close();
  }
}

export function registerTrace(program: Command): void {
  program
    .command("trace")
    .description("show the flow of a trace: who sent what to whom, per level, with latencies and missing acknowledgements")
    .argument("<id>", "a trace id, a message id or a notice id")
    .option("--json", "print the flow and every stored message as JSON")
    .option("--wait <duration>", "wait this long for the trace index to catch up (default 5s; 0 to not wait)")
    .action(async (id: string, _opts: unknown, command: Command) => trace(id, command.optsWithGlobals<TraceOptions>()));
}
