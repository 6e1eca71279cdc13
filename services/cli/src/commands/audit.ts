/**
 * `schakel audit verify [FILE]`: checks an audit log — the live one of the data folder, or a copy —
 * and names the first record that was changed, removed or reordered (exit 1); exit 0 when intact.
 * With `--bus` it also compares the log with the checkpoints in the bus's `audit` bucket, which
 * catches a log that was cut short or rewritten with recomputed hashes.
 * `schakel audit run`: runs the auditor in the foreground, next to a running bus.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { z } from "zod";
import { AUDIT_ID } from "@schakel/contracts";
import { OperatorConnection } from "@schakel/contracts/bus";
import { auditLogPath, openCheckpoints, readCheckpoints, startAuditor, verifyAuditLog, type Checkpoint, type VerifyResult } from "@schakel/audit";
import { credentialsPath } from "@schakel/infra";
import { waitForBus, waitOf } from "../bus-wait.ts";
import { dataDirOf, serverUrl, serverUrlSource, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { color, emit, note } from "../output.ts";

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

async function run(opts: GlobalOptions): Promise<void> {
  const auditor = await startAuditor({
    servers: serverUrl(opts), seed: await auditSeed(opts), dataDir: dataDirOf(opts),
    onError: (err, stream) => note(`audit: ${stream}: ${err.message}`),
  });
  note(`auditing COORD, CASE and DEADLETTER into ${auditor.logPath}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => process.once("SIGINT", resolve).once("SIGTERM", resolve));
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
    .command("run")
    .description("run the auditor in the foreground next to a running bus, until Ctrl-C")
    .action(async (_opts: unknown, command: Command) => run(command.optsWithGlobals<GlobalOptions>()));
}
