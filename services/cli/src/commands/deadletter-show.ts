/**
 * `schakel deadletter show <seq>`: one dead letter — who refused it and why, where its original is
 * stored, every header of the record, and the original's envelope metadata (id, type, sender,
 * audience, time, trace, signing key…). The original's data is never shown: it may be sealed case
 * content, and what matters for a refusal is in the envelope and the detail.
 */
import type { Command } from "commander";
import { runningBus } from "../backup/operator.ts";
import type { GlobalOptions } from "../context.ts";
import { deadLetterAt, deadLetterOf, envelopeMetadataOf, headersOf } from "../deadletter/records.ts";
import { renderDeadLetter, type DeadLetterView } from "../deadletter/render.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { emit } from "../output.ts";

/** A dead letter's sequence number. @throws CliError (exit 2) naming the argument otherwise */
export function requireSeq(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text.trim())) throw new CliError(`"${text}" is not a dead letter's sequence number (e.g. 42, from "schakel deadletter list")`, EXIT.usage);
  return Number(text.trim());
}

async function show(seqArg: string, opts: GlobalOptions): Promise<void> {
  const seq = requireSeq(seqArg);
  const bus = await runningBus(opts, "schakel-cli:deadletter");
  try {
    const m = await deadLetterAt(bus.op, seq);
    if (!m) throw new CliError(`no dead letter #${seq} in the DEADLETTER stream: see "schakel deadletter list"`, EXIT.usage);
    const meta = envelopeMetadataOf(m.body);
    const view: DeadLetterView = { deadLetter: deadLetterOf(m), headers: headersOf(m), ...("envelope" in meta ? { envelope: meta.envelope } : { envelope: null, unreadable: meta.unreadable }) };
    emit(opts, view, renderDeadLetter);
  } finally {
    await bus.close();
  }
}

export function registerDeadletterShow(deadletter: Command): void {
  deadletter
    .command("show <seq>")
    .description("one dead letter: reason, detail, headers and the original's envelope metadata (never its data)")
    .option("--json", "print JSON")
    .action((seq: string, _o, cmd: Command) => show(seq, cmd.optsWithGlobals<GlobalOptions>()));
}
