/**
 * The demo is played once per data folder: `<data>/demo-played.json` records when (and by which
 * version of Schakel) it was played, so a second `npm start` resumes with that data instead of
 * adding the same notices, escalations and digests again. `schakel up --demo --fresh` starts over.
 */
import { readFileSync } from "node:fs";
import { writeWhole } from "@schakel/infra";
import { join } from "node:path";
import { z } from "zod";

export const DemoPlayed = z.object({ playedAt: z.string(), version: z.string() });
export type DemoPlayed = z.infer<typeof DemoPlayed>;

const markerPath = (dataDir: string): string => join(dataDir, "demo-played.json");

/** The version of the `schakel` command (its package). */
export function cliVersion(): string {
  const parsed = z.object({ version: z.string() }).safeParse(JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")));
  return parsed.success ? parsed.data.version : "unknown";
}

/** When the demo was played into this data folder; undefined when it never was. */
export function demoPlayed(dataDir: string): DemoPlayed | undefined {
  try {
    const parsed = DemoPlayed.safeParse(JSON.parse(readFileSync(markerPath(dataDir), "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Records that the demo is being played (written as it starts: half a demo is demo data too). */
export async function markDemoPlayed(dataDir: string, at = new Date()): Promise<DemoPlayed> {
  const played = { playedAt: at.toISOString(), version: cliVersion() };
  await writeWhole(markerPath(dataDir), JSON.stringify(played, null, 2) + "\n");
  return played;
}
