/**
 * `<data>/last-run.json`: the ports the last `schakel up` on this data folder listened on. The next
 * `up` asks for the same nats-server port again when it is free, so a pinned NATS_URL (and every
 * command waiting for the bus) finds the restarted bus where it was. Unlike connection.json it
 * stays after a clean stop.
 */
import { readFileSync } from "node:fs";
import { writeWhole } from "@schakel/infra";
import { join } from "node:path";
import { z } from "zod";

export const PreviousRun = z.object({
  natsPort: z.number().int().min(1).max(65_535).optional(),
  consoleUrl: z.string().optional(),
  at: z.string(),
});
export type PreviousRun = z.infer<typeof PreviousRun>;

const previousRunPath = (dataDir: string): string => join(dataDir, "last-run.json");

/** What the last run recorded; undefined for a first run (or a record that is not one). */
export function readPreviousRun(dataDir: string): PreviousRun | undefined {
  try {
    const parsed = PreviousRun.safeParse(JSON.parse(readFileSync(previousRunPath(dataDir), "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function recordPreviousRun(dataDir: string, run: Omit<PreviousRun, "at">, at = new Date()): Promise<void> {
  await writeWhole(previousRunPath(dataDir), JSON.stringify({ ...run, at: at.toISOString() }, null, 2) + "\n");
}
