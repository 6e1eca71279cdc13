/**
 * `schakel trace ID`: the causal flow of one trace — found by trace id, message id or notice id
 * in the platform's trace index — in lanes per level with time offsets, delivery and
 * acknowledgement latencies, missing acknowledgements and escalations. `--json` adds every
 * stored message exactly as JetStream holds it. Reads with the operator identity of the data
 * folder (reading stored messages by sequence is an operator right); waits briefly for the
 * indexer to catch up so a trace right after a flow is complete. Every trace shown is recorded in
 * the read audit first (reads/record-cli-read.ts), for the signed-in person's organisation, else
 * for the platform's (whose index it is), with the case reference its messages carry.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { z } from "zod";
import { isMessageUuid, isTraceId } from "@schakel/contracts";
import { ADMIN_ID, credentialsPath } from "@schakel/infra";
import { buildFlow, connectOperator, envelopeOf, loadStored, lookupTrace, orgsFrom, renderFlow, waitForIndex, type Flow, type Operator } from "@schakel/tracing";
import { platformOf } from "@schakel/organisation";
import { waitForBus, waitOf } from "../bus-wait.ts";
import { dataDirOf, loadDirectory, serverUrlSource, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { parseWait } from "../input/time-input.ts";
import { color, emit, note } from "../output.ts";
import { readingOrganisation, recordCliRead } from "../reads/record-cli-read.ts";
import { safeText } from "../safe-text.ts";

const OperatorFile = z.object({ id: z.string(), seed: z.string().regex(/^SU[A-Z2-7]{56}$/) });

/** Connects with the data folder's operator (admin) identity, waiting up to `--wait` for the bus (exit 3). */
export async function connectOperatorOf(opts: GlobalOptions, name: string): Promise<Operator> {
  const path = credentialsPath(dataDirOf(opts), ADMIN_ID);
  const parsed = OperatorFile.safeParse(JSON.parse(await readFile(path, "utf8").catch(() => "null")));
  if (!parsed.success) throw new CliError(`no operator credentials in ${path}: run "npx schakel up" (or pass --data DIR)`, EXIT.usage);
  return waitForBus(serverUrlSource(opts), (url) => connectOperator({ servers: url, seed: parsed.data.seed, name }), { waitMs: waitOf(opts) });
}

/** How long to wait for the index to catch up: `--wait` (default 5s), `--wait 0` not at all. */
export function indexWaitOf(opts: GlobalOptions): number {
  return parseWait(opts.wait) ?? 5_000;
}

/** The flow with its titles shown safely on a terminal (safe-text.ts). */
function withSafeTitles(flow: Flow): Flow {
  const messages = flow.messages.map((m) => {
    const facts = m.entry.facts;
    return facts?.title ? { ...m, entry: { ...m.entry, facts: { ...facts, title: safeText(facts.title) } } } : m;
  });
  return { ...flow, messages };
}

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

async function trace(id: string, opts: GlobalOptions): Promise<void> {
  const wanted = id.trim().toLowerCase();
  if (!isTraceId(wanted) && !isMessageUuid(wanted)) {
    throw new CliError(`"${id}" is neither a trace id (32 hex characters) nor a message or notice id (a UUID)`, EXIT.usage);
  }
  const waitMs = indexWaitOf(opts);
  const directory = loadDirectory(opts);
  const op = await connectOperatorOf(opts, "schakel-cli:trace");
  try {
    const lag = await waitForIndex(op.connection, platformOf(directory), waitMs);
    if (!lag.provisioned) throw new CliError("the bus has no trace-index consumers: provision it with \"npx schakel up\"", EXIT.failure);
    const found = await lookupTrace(op.index, wanted);
    if (!found) {
      const hint = lag.caughtUp ? "" : ` (the index is ${lag.behind} message(s) behind: is the platform running?)`;
      // "Not found" is exit 2 in every command (check the id), as for `notice status`.
      throw new CliError(`no trace, message or notice "${id}" in the trace index${hint}`, EXIT.usage);
    }
    if (!lag.caughtUp) note(color.yellow(`the trace index is ${lag.behind} message(s) behind; showing what it holds`));
    const flow = buildFlow(found.traceId, found.entries, orgsFrom(directory));
    const stored = opts.json ? await loadStored(op.connection, found.entries) : undefined;
    await recordTraceRead(opts, platformOf(directory), found.entries.map((e) => e.id), await caseRefIn(op, found.entries, stored?.messages));
    if (stored) {
      const { messages, missing } = stored;
      const numbered = new Map(flow.messages.map((m) => [`${m.entry.stream}#${m.entry.seq}`, m.n]));
      emit(opts, {
        traceId: found.traceId, via: found.via, indexBehind: lag.behind, dropped: found.dropped,
        messages: messages.map((m) => ({ n: numbered.get(`${m.stream}#${m.seq}`), stream: m.stream, seq: m.seq, subject: m.subject, storedAt: m.storedAt, headers: m.headers, envelope: envelopeOf(m) })),
        expired: missing.map((e) => ({ stream: e.stream, seq: e.seq, id: e.id })),
        flow: flowJson(flow),
      }, () => "");
      return;
    }
    emit(opts, flow, (f) => renderFlow(withSafeTitles(f), { style: color, via: found.via, dropped: found.dropped, behind: lag.behind }));
  } finally {
    await op.close();
  }
}

/**
 * The case reference the trace's messages carry (the index keeps none): read from the stored
 * messages of the types that can carry one (a notice, a case consultation), loaded if not yet.
 */
async function caseRefIn(op: Operator, entries: Parameters<typeof loadStored>[1], loaded?: Awaited<ReturnType<typeof loadStored>>["messages"]): Promise<string | undefined> {
  const messages = loaded ?? (await loadStored(op.connection, entries.filter((e) => e.type === "notice.posted" || e.type.startsWith("case.")))).messages;
  for (const m of messages) {
    const data = envelopeOf(m).data as { caseRef?: unknown } | undefined;
    if (typeof data?.caseRef === "string") return data.caseRef;
  }
  return undefined;
}

/** Records the trace view in the read audit before anything of it is shown. */
async function recordTraceRead(opts: GlobalOptions, platform: string, messageIds: string[], caseRef: string | undefined): Promise<void> {
  await withBus(readingOrganisation(opts, platform), opts, (bus) =>
    recordCliRead(bus, opts, { kind: "trace", purpose: "schakel trace", messageIds, ...(caseRef ? { caseRef } : {}) }));
}

export function registerTrace(program: Command): void {
  program
    .command("trace")
    .description("show the flow of a trace: who sent what to whom, per level, with latencies and missing acknowledgements")
    .argument("<id>", "a trace id, a message id or a notice id")
    .option("--json", "print the flow and every stored message as JSON")
    .addHelpText("after", "\nThe global --wait also bounds the wait for the trace index to catch up (default 5s; 0 to not wait).")
    .action(async (id: string, _opts: unknown, command: Command) => trace(id, command.optsWithGlobals<GlobalOptions>()));
}
