/**
 * `schakel deadletter redrive <seq>…`: publishes again the originals of dead letters whose cause is
 * gone — checked first as a receiver checks them today (the current key directory and the
 * SCHAKEL_CLOCK_SKEW tolerance) — on their live subjects, as the admin, and records who re-drove
 * what in the data folder's re-drive log. Those that still fail are left alone with today's
 * reason. Exit codes: 0 every one re-driven, 1 any not, 2 bad input (a sequence that is no dead
 * letter, a bad SCHAKEL_CLOCK_SKEW; nothing is published), 3 bus unreachable.
 */
import type { Command } from "commander";
import { clockSkewFrom, type StoredMessage } from "@schakel/contracts/bus";
import { runningBus } from "../backup/operator.ts";
import { dataDirOf, loadDirectory, type GlobalOptions } from "../context.ts";
import { deadLetterAt } from "../deadletter/records.ts";
import { redriveAll } from "../deadletter/redrive.ts";
import { redrivingPerson } from "../deadletter/redrive-log.ts";
import { renderRedrive } from "../deadletter/render.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { emit } from "../output.ts";
import { requireSeq } from "./deadletter-show.ts";

async function redrive(seqArgs: string[], opts: GlobalOptions): Promise<void> {
  const seqs = [...new Set(seqArgs.map(requireSeq))];
  const skewMs = clockSkewFrom(process.env);
  const directory = loadDirectory(opts);
  const person = redrivingPerson(opts);
  const bus = await runningBus(opts, "schakel-cli:deadletter");
  try {
    // Every sequence is looked up before anything is published: one that is no dead letter is bad input.
    const records: StoredMessage[] = [];
    for (const seq of seqs) {
      const m = await deadLetterAt(bus.op, seq);
      if (!m) throw new CliError(`no dead letter #${seq} in the DEADLETTER stream: see "schakel deadletter list"; nothing was re-driven`, EXIT.usage);
      records.push(m);
    }
    const results = await redriveAll({ op: bus.op, directory, skewMs, dataDir: dataDirOf(opts), person }, records);
    emit(opts, { person, skewMs, results }, (r) => renderRedrive(r.results));
    if (results.some((r) => !r.redriven)) process.exitCode = EXIT.failure;
  } finally {
    await bus.close();
  }
}

export function registerDeadletterRedrive(deadletter: Command): void {
  deadletter
    .command("redrive <seq...>")
    .description("publish again the originals of these dead letters that pass today's receiver checks; the rest are left with their reason")
    .option("--json", "print JSON")
    .addHelpText("after", `
Each original is checked as receivers check it now, with the key directory and the clock-skew tolerance
(SCHAKEL_CLOCK_SKEW, default 5m; set it as the receiving services have it). One that passes is published
on its original subject with its signature and message id: every receiver checks it again, and one that
already handled it does not apply it twice. Within the stream's duplicate window (10 min) after the
original was stored, nothing is stored: run the re-drive again later. Re-drives are recorded with the
signed-in person (or "operator") in <data>/deadletter/redrives.jsonl.
Exit codes: 0 all re-driven · 1 any not (the reason is printed) · 2 bad input · 3 bus unreachable.`)
    .action((seqs: string[], _o, cmd: Command) => redrive(seqs, cmd.optsWithGlobals<GlobalOptions>()));
}
