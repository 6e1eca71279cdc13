/**
 * The envelope's own compatibility: every message of every type carries it, and stored messages
 * of earlier releases are read for years, so the envelope evolves under the same-version rule as a
 * released data schema — an optional attribute may be added (as `actor`/`actorrole` were), nothing
 * a released envelope carried may be removed, made required or tightened. The released envelope
 * is `contracts/schemas/envelope.json` (the attributes alone, as in generated/json-schema/envelope.json).
 */
import { readFile, writeFile } from "node:fs/promises";
import { envelopeHeaderJsonSchema } from "../docs/json-schema.ts";
import { describeBreaks, sameVersionBreaks, type Break } from "./compatibility.ts";
import type { JsonSchema } from "./schema-diff.ts";
import { SCHEMAS_DIR } from "./snapshots.ts";

/** The released envelope schema's file. */
export const ENVELOPE_SNAPSHOT = new URL("envelope.json", SCHEMAS_DIR);

/** The envelope as the code builds it now. */
export const currentEnvelopeSchema = (): JsonSchema => envelopeHeaderJsonSchema();

/** Reads the released envelope; an unreadable file is an error naming it. */
export async function readEnvelopeSnapshot(file: URL = ENVELOPE_SNAPSHOT): Promise<JsonSchema> {
  const text = await readFile(file, "utf8");
  try {
    return JSON.parse(text) as JsonSchema;
  } catch (cause) {
    throw new Error("schemas/envelope.json is not valid JSON; restore it from git", { cause });
  }
}

/** What breaks readers of the released envelope (empty when the change is compatible), with one line saying what to do. */
export function checkEnvelope(released: JsonSchema, current: JsonSchema): { breaks: Break[]; problem?: string } {
  const breaks = sameVersionBreaks(released, current).map((b) => ({ ...b, path: b.path.replace(/^data/, "envelope") }));
  if (!breaks.length) return { breaks };
  return {
    breaks,
    problem: `the envelope changed in a way that breaks readers of stored messages — ${describeBreaks(breaks)}. Add attributes only as optional, and keep every released one as it was`,
  };
}

/** Records the current envelope as released, when compatible; returns the refusal otherwise. */
export async function releaseEnvelope(file: URL = ENVELOPE_SNAPSHOT): Promise<{ action: "unchanged" | "refreshed" } | { action: "refuse"; reason: string }> {
  const released = await readEnvelopeSnapshot(file);
  const current = currentEnvelopeSchema();
  if (JSON.stringify(released) === JSON.stringify(current)) return { action: "unchanged" };
  const { problem } = checkEnvelope(released, current);
  if (problem) return { action: "refuse", reason: problem };
  await writeFile(file, `${JSON.stringify(current, null, 2)}\n`);
  return { action: "refreshed" };
}
