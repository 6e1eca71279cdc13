/**
 * `schakel replay show RUN_ID`: what one replay put where. For a sandbox run, every copy with its
 * type, subject and sequence in the SANDBOX stream, read back from the stream (a copy older than
 * the sandbox's retention is listed as expired); for a handler run, what the handler did with each
 * message. Reads the run's record in the data folder (replay/run-record.ts).
 */
import type { Command } from "commander";
import { parseMessageSubject } from "@schakel/contracts";
import { envelopeOf, readStored } from "@schakel/tracing";
import { dataDirOf, type GlobalOptions } from "../context.ts";
import { color, emit } from "../output.ts";
import { readRun, type ReplayRun } from "../replay/run-record.ts";
import { safeText } from "../safe-text.ts";
import { connectOperatorOf } from "./trace.ts";

/** One replayed message as shown: where it came from and what became of it. */
export interface ShownCopy {
  from: { stream: string; seq: number };
  type: string;
  subject: string;
  /** Sandbox runs: the copy, and whether the sandbox still holds it. */
  copy?: { stream: string; seq: number; stored: boolean };
  /** Handler runs: what the handler did. */
  outcome?: string;
  detail?: string;
}

const typeOf = (subject: string): string => {
  try {
    return parseMessageSubject(subject).type;
  } catch {
    return "?";
  }
};

async function sandboxCopies(run: ReplayRun, opts: GlobalOptions): Promise<ShownCopy[]> {
  const op = await connectOperatorOf(opts, "schakel-cli:replay-show");
  try {
    return await Promise.all(run.messages.map(async (m): Promise<ShownCopy> => {
      const from = { stream: m.stream, seq: m.seq };
      if (!m.copy) return { from, type: typeOf(m.subject), subject: m.subject };
      const stored = await readStored(op.connection, m.copy.stream, m.copy.seq).catch(() => undefined);
      // The copy's message id names its run: a sequence reused after the sandbox was emptied is not ours.
      const ours = stored?.headers["Nats-Msg-Id"]?.startsWith(`${run.runId}:`) === true;
      const type = ours ? String(envelopeOf(stored!).type) : typeOf(m.subject);
      return { from, type, subject: ours ? stored!.subject : m.subject, copy: { ...m.copy, stored: ours } };
    }));
  } finally {
    await op.close();
  }
}

function handled(run: ReplayRun): ShownCopy[] {
  return run.messages.map((m) => {
    const o = m.outcome;
    const detail = o?.error ?? (o?.reason ? `${o.reason}: ${o.detail ?? ""}` : undefined);
    return { from: { stream: m.stream, seq: m.seq }, type: o?.type ?? typeOf(m.subject), subject: m.subject, ...(o ? { outcome: o.kind } : {}), ...(detail ? { detail } : {}) };
  });
}

function render(v: { run: ReplayRun; copies: ShownCopy[] }): string {
  const { run, copies } = v;
  const where = run.into.kind === "sandbox" ? `into sandbox ${color.bold(run.into.name)} (consumer ${run.into.consumer})` : "into a handler";
  const lines = [`replay ${run.runId} at ${run.at}: ${run.replayed} message(s)${run.traceId ? ` of trace ${run.traceId}` : ""} ${where}`];
  for (const c of copies) {
    const from = color.dim(`from ${c.from.stream}#${c.from.seq}`);
    if (c.copy) lines.push(`  #${c.copy.seq} ${color.cyan(c.type)} ${safeText(c.subject)} ${from}${c.copy.stored ? "" : color.yellow(" (expired from the sandbox)")}`);
    else lines.push(`  ${color.cyan(c.type)} ${c.outcome ?? "?"}${c.detail ? `: ${safeText(c.detail)}` : ""} ${from}`);
  }
  return lines.join("\n");
}

async function show(runId: string, opts: GlobalOptions): Promise<void> {
  const run = readRun(dataDirOf(opts), runId.trim().toLowerCase());
  const copies = run.into.kind === "sandbox" ? await sandboxCopies(run, opts) : handled(run);
  emit(opts, { run, copies }, render);
}

export function registerReplayShow(replay: Command): void {
  replay
    .command("show")
    .description("what a replay put where: the sandbox copies of a run (type, subject, sequence) or the handler's outcomes")
    .argument("<runId>", "the run id printed by `replay`")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => show(id, cmd.optsWithGlobals<GlobalOptions>()));
}
