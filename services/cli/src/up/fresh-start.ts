/**
 * `schakel up --fresh`: start over with an empty data folder. The old one is moved aside to
 * `<data>.old-<timestamp>`, never deleted — it holds identities, the JetStream store and the audit
 * log, which someone may still want — and `up` says where it went.
 */
import { existsSync } from "node:fs";
import { rename } from "node:fs/promises";

/** `2026-12-06T10-15-02Z`: sortable, and valid in a file name everywhere. */
const stamp = (at: Date): string => at.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");

/**
 * Moves `dataDir` aside; returns where it went, or undefined when there was nothing to move.
 * Call it only once no `up` runs on the folder (ensureNotRunning).
 */
export async function moveAside(dataDir: string, at = new Date()): Promise<string | undefined> {
  if (!existsSync(dataDir)) return undefined;
  let target = `${dataDir}.old-${stamp(at)}`;
  for (let n = 2; existsSync(target); n++) target = `${dataDir}.old-${stamp(at)}-${n}`;
  await rename(dataDir, target);
  return target;
}
