/**
 * `schakel audit verify [FILE]`: checks an audit log — the live one of the data folder, or a copy —
 * and names the first record that was changed, removed or reordered (exit 1); exit 0 when intact.
 * With `--bus` it also compares the log with the checkpoints in the bus's `audit` bucket, which
 * catches a log that was cut short or rewritten with recomputed hashes.
 * `schakel audit reads --case REF | --person ID [--since T]`: who saw what about a case, or what a
 * person saw, answered from the chain file (the read audit's records, kind and purpose, messages,
 * interface), after checking that the file verifies: a damaged chain answers nothing (exit 1).
 * `schakel audit run`: runs the auditor in the foreground, next to a running bus.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { z } from "zod";
import { AUDIT_ID } from "@schakel/contracts";
import { OperatorConnection } from "@schakel/contracts/bus";
import { auditLogPath, openCheckpoints, readCheckpoints, readsInLog, startAuditor, verifyAuditLog, type ChainedRead, type Checkpoint, type VerifyResult } from "@schakel/audit";
import { CaseRef, PersonId } from "@schakel/contracts";
import { credentialsPath } from "@schakel/infra";
import { waitForBus, waitOf } from "../bus-wait.ts";
import { dataDirOf, serverUrl, serverUrlSource, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { parseDuration, parseTime } from "../input/time-input.ts";
import { color, emit, note, readableTime } from "../output.ts";
import { safeText } from "../safe-text.ts";

const OperatorFile = z.object({ id: z.string(), seed: z.string().regex(/^SU[A-Z2-7]{56}$/) });

interface VerifyOptions extends GlobalOptions {
  bus?: boolean;
}

/** The audit identity's seed from the data folder. */
async function auditSeed(opts: GlobalOptions): Promise<string> {
  const path = credentialsPath(dataDirOf(opts), AUDIT_ID);
  const parsed = OperatorFile.safeParse(JSON.parse(await readFile(path, "utf8").catch(() => "null")));
  if (!parsed.success) throw new CliError(`no audit credentials in ${path}: run "npx schakel up" (or pass --data DIR)`, EXIT.usage);
  return parsed.data.seed;
}

async function busCheckpoints(opts: GlobalOptions): Promise<Checkpoint[]> {
  const seed = await auditSeed(opts);
  const audit = await waitForBus(serverUrlSource(opts), (url) =>
    OperatorConnection.connect({ servers: url, as: AUDIT_ID, seed, reconnect: false })
      .catch((err: Error) => { throw new Error(`the bus at ${url} did not accept the audit identity (${err.message}): leave out --bus to verify the file alone`, { cause: err }); }),
  { waitMs: waitOf(opts) });
  try {
    return await readCheckpoints(await openCheckpoints(audit));
  } finally {
    await audit.close();
  }
}

function human(r: VerifyResult): string {
  if (r.ok) {
    const head = r.head ? `head record ${r.head.index}, hash ${r.head.hash.slice(0, 16)}…` : "empty";
    return `${color.green("intact")}: ${r.path} — ${r.records} records, ${head}${r.checkpoints ? `, agrees with ${r.checkpoints} checkpoints` : ""}`;
  }
  return `${color.red(`${r.problem.kind.toUpperCase()}`)}: ${r.path} — first bad record ${r.problem.index} (line ${r.problem.line}): ${r.problem.detail}`;
}

async function verify(file: string | undefined, opts: VerifyOptions): Promise<void> {
  const path = file ?? auditLogPath(dataDirOf(opts));
  const checkpoints = opts.bus ? await busCheckpoints(opts) : [];
  const result = await verifyAuditLog(path, { checkpoints }).catch((err: Error) => {
    throw new CliError(`cannot read the audit log ${path}: ${err.message}`, EXIT.usage);
  });
  if (result.ok && result.records === 0 && !file) note(`note: ${path} holds no records yet (is the auditor running? start it with "npx schakel audit run")`);
  emit(opts, result, human);
  if (!result.ok) process.exitCode = EXIT.failure;
}

interface ReadsOptions extends GlobalOptions {
  case?: string;
  person?: string;
  since?: string;
  file?: string;
}

/** `--since`: a time (2026-11-28T10:00:00Z) or a while ago (15m, 2h, 30d). */
function sinceOf(text: string | undefined, now = Date.now()): Date | undefined {
  if (text === undefined) return undefined;
  const ago = parseDuration(text, "--since");
  if (ago !== undefined) return new Date(now - ago);
  const at = parseTime(text, "--since");
  if (at) return at;
  throw new CliError(`--since "${text}" is neither a time (2026-11-28T10:00:00Z) nor a while ago (15m, 2h, 30d)`, EXIT.usage);
}

function readLine(r: ChainedRead): string {
  const who = r.read.person ? `${r.read.person} (${r.read.role ?? "?"})` : r.read.role === "operator" ? "an operator (no sign-in)" : "the service";
  const what = `${r.read.kind}${r.read.caseRef ? ` about ${r.read.caseRef}` : ""}, ${r.read.messageIds.length} message(s)`;
  return `${color.dim(readableTime(r.storedAt))} ${color.bold(who)} of ${r.read.organisation} via ${r.read.interface}: ${what} — ${safeText(r.read.purpose)}`
    + (r.read.messageIds.length ? `\n  ${color.dim(r.read.messageIds.join(" "))}` : "");
}

async function reads(opts: ReadsOptions): Promise<void> {
  if (opts.case === undefined && opts.person === undefined) throw new CliError("say whose reads: --case <ref> (e.g. LIVC-MECH-2026-0042) or --person <id> (e.g. m.peeters)", EXIT.usage);
  if (opts.case !== undefined && !CaseRef.safeParse(opts.case).success) throw new CliError(`--case "${opts.case}" is not a case reference like LIVC-MECH-2026-0042`, EXIT.usage);
  if (opts.person !== undefined && !PersonId.safeParse(opts.person).success) throw new CliError(`--person "${opts.person}" is not a person id like m.peeters`, EXIT.usage);
  const since = sinceOf(opts.since);
  const path = opts.file ?? auditLogPath(dataDirOf(opts));
  const checked = await verifyAuditLog(path).catch((err: Error) => {
    throw new CliError(`cannot read the audit log ${path}: ${err.message}`, EXIT.usage);
  });
  if (!checked.ok) throw new CliError(`the audit log ${path} does not verify (${checked.problem.detail}): it answers nothing; run "schakel audit verify" and keep the file as evidence`, EXIT.failure);
  const found = await readsInLog(path, { ...(opts.case ? { caseRef: opts.case } : {}), ...(opts.person ? { person: opts.person } : {}), ...(since ? { since } : {}) });
  if (found.refused) note(color.yellow(`${found.refused} record(s) in READS did not verify as read records and are not shown (see the chain's "refused" field)`));
  emit(opts, found.reads, (list) => (list.length ? list.map(readLine).join("\n") : color.dim("no reads recorded")));
}

async function run(opts: GlobalOptions): Promise<void> {
  const auditor = await startAuditor({
    servers: serverUrl(opts), seed: await auditSeed(opts), dataDir: dataDirOf(opts),
    onError: (err, stream) => note(`audit: ${stream}: ${err.message}`),
  });
  // Listening before the line that says it runs: a stop right after it must stop the auditor cleanly.
  const stopped = new Promise<void>((resolve) => process.once("SIGINT", resolve).once("SIGTERM", resolve));
  note(`auditing COORD, CASE, DEADLETTER and READS into ${auditor.logPath}; Ctrl-C to stop`);
  await stopped;
  await auditor.stop();
  note(`stopped at ${auditor.head().records} records, head ${auditor.head().hash.slice(0, 16)}…`);
}

export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("the tamper-evident audit chain over every stored message");
  audit
    .command("verify")
    .description("check an audit log (default: the data folder's) and name the first changed, removed or reordered record")
    .argument("[file]", "a log file, e.g. a copy kept as evidence")
    .option("--bus", "also compare with the checkpoints in the bus's audit bucket (catches a cut-off or rewritten log)")
    .option("--json", "print the result as JSON")
    .action(async (file: string | undefined, _opts: unknown, command: Command) => verify(file, command.optsWithGlobals<VerifyOptions>()));
  audit
    .command("reads")
    .description("who saw what about a case (--case) or what a person saw (--person), from the audit chain")
    .option("--case <ref>", "a case reference, e.g. LIVC-MECH-2026-0042")
    .option("--person <id>", "a person id, e.g. m.peeters")
    .option("--since <time>", "only reads from this time (2026-11-28T10:00:00Z) or this long ago (15m, 2h, 30d)")
    .option("--file <log>", "a chain file, e.g. a copy kept as evidence (default: the data folder's)")
    .option("--json", "print the reads as JSON")
    .action(async (_opts: unknown, command: Command) => reads(command.optsWithGlobals<ReadsOptions>()));
  audit
    .command("run")
    .description("run the auditor in the foreground next to a running bus, until Ctrl-C")
    .action(async (_opts: unknown, command: Command) => run(command.optsWithGlobals<GlobalOptions>()));
}
