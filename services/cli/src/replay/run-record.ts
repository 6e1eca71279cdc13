/**
 * What a replay did, kept in the data folder (`replays/<run id>.json`) so that
 * `schakel replay show <run id>` can list it later: which messages went where (the sandbox copy's
 * stream and sequence) or what the handler did with each. The sandbox itself keeps copies one hour;
 * the record says which of them belonged to the run.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { PRIVATE_FILE_MODE, privateDir } from "@schakel/infra";
import { join } from "node:path";
import { z } from "zod";
import type { ReplayResult } from "@schakel/tracing";
import { CliError, EXIT } from "../exit-codes.ts";

const Outcome = z.object({ kind: z.enum(["handled", "ignored", "refused", "failed"]), type: z.string().optional(), reason: z.string().optional(), detail: z.string().optional(), error: z.string().optional() });

/** One run as recorded (the parts `replay show` prints). */
export const ReplayRun = z.object({
  runId: z.string(),
  at: z.string(),
  into: z.union([z.object({ kind: z.literal("sandbox"), name: z.string(), stream: z.string(), consumer: z.string() }), z.object({ kind: z.literal("handler") })]),
  traceId: z.string().optional(),
  replayed: z.number(),
  messages: z.array(z.object({
    stream: z.string(), seq: z.number(), subject: z.string(), storedAt: z.string(),
    copy: z.object({ stream: z.string(), seq: z.number() }).optional(),
    outcome: Outcome.optional(),
  })),
});
export type ReplayRun = z.infer<typeof ReplayRun>;

const RUN_ID = /^[0-9a-f-]{36}$/;

export const replaysDir = (dataDir: string): string => join(dataDir, "replays");

/** Records `result` under the data folder; returns the file. */
export async function recordRun(dataDir: string, result: ReplayResult, at = new Date()): Promise<string> {
  privateDir(replaysDir(dataDir));
  const file = join(replaysDir(dataDir), `${result.runId}.json`);
  const { runId, into, traceId, replayed, messages } = result;
  await writeFile(file, JSON.stringify({ runId, at: at.toISOString(), into, ...(traceId ? { traceId } : {}), replayed, messages }, null, 2) + "\n", { mode: PRIVATE_FILE_MODE });
  return file;
}

/**
 * The recorded run `runId`.
 * @throws CliError exit 2 for an id that is not one, or a run this data folder has no record of (not found).
 */
export function readRun(dataDir: string, runId: string): ReplayRun {
  if (!RUN_ID.test(runId)) throw new CliError(`RUN_ID "${runId}" is not a run id (a UUID as printed by "npx schakel replay")`, EXIT.usage);
  const file = join(replaysDir(dataDir), `${runId}.json`);
  if (!existsSync(file)) throw new CliError(`no replay run ${runId} is recorded in ${replaysDir(dataDir)}: check the id (runs are recorded where they were started)`, EXIT.usage);
  const parsed = ReplayRun.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new CliError(`${file} is not a replay record (${parsed.error.issues[0]?.message}): remove it`, EXIT.failure);
  return parsed.data;
}
