/**
 * The catalog against its released history: every type released at every version up to the
 * catalog's, the current schema compatible with its released version, each version readable by
 * the readers of the one before, no released type gone. And the plan for releasing a version.
 */
import { describeBreaks, nextVersionBreaks, sameVersionBreaks, type Break } from "./compatibility.ts";
import type { JsonSchema } from "./schema-diff.ts";
import type { CurrentSchemas, SnapshotHistory } from "./snapshots.ts";

const RELEASE = "npm run schemas:release -w @schakel/contracts --";

/** One thing wrong with the catalog's history, with what to do. */
export interface HistoryProblem {
  type: string;
  version?: number;
  problem: string;
  breaks?: Break[];
}

/** Checks the current catalog against the released snapshots; empty when all is well. */
export function checkHistory(current: CurrentSchemas, released: SnapshotHistory): HistoryProblem[] {
  const problems: HistoryProblem[] = [];
  for (const [type, { version, schema }] of current) {
    const versions = released.get(type) ?? new Map<number, JsonSchema>();
    const latest = Math.max(0, ...versions.keys());
    for (let v = 1; v <= Math.max(latest, version); v++) {
      if (!versions.has(v)) problems.push({ type, version: v, problem: `${type} v${v} was never released: run "${RELEASE} ${type}"` });
    }
    if (latest > version) {
      problems.push({ type, version, problem: `the catalog says ${type} v${version} but v${latest} was released; a version never goes back` });
    }
    const snapshot = versions.get(version);
    if (snapshot) {
      const breaks = sameVersionBreaks(snapshot, schema);
      if (breaks.length) {
        problems.push({
          type, version, breaks,
          problem: `${type} v${version} changed in a way that breaks its readers — ${describeBreaks(breaks)}. Undo the change, or bump the catalog version to v${version + 1} and run "${RELEASE} ${type}"`,
        });
      }
    }
    for (let v = 1; v < latest; v++) {
      const before = versions.get(v);
      const after = versions.get(v + 1);
      if (!before || !after) continue;
      const breaks = nextVersionBreaks(before, after);
      if (breaks.length) {
        problems.push({ type, version: v + 1, breaks, problem: `readers of ${type} v${v} cannot read v${v + 1} — ${describeBreaks(breaks)}. Such a change is a new message type` });
      }
    }
  }
  for (const type of released.keys()) {
    if (!current.has(type)) problems.push({ type, problem: `${type} was released but is gone from the catalog: keep the type (readers and stored messages depend on it)` });
  }
  return problems;
}

/** What releasing a type's current schema would do. */
export type ReleasePlan =
  | { action: "create"; version: number }
  | { action: "refresh"; version: number; note: string }
  | { action: "unchanged"; version: number }
  | { action: "refuse"; version: number; reason: string };

/**
 * Plans the release of `type` at the catalog's version: a new snapshot (the previous version's
 * readers must be able to read it), a refresh of the existing one after compatible changes (so
 * later removals of what was added are caught), or a refusal saying why and what to do.
 */
export function planRelease(type: string, current: CurrentSchemas, released: SnapshotHistory): ReleasePlan {
  const entry = current.get(type);
  if (!entry) throw new Error(`unknown message type "${type}": release only catalog types`);
  const { version, schema } = entry;
  const versions = released.get(type) ?? new Map<number, JsonSchema>();
  const existing = versions.get(version);
  if (existing) {
    if (JSON.stringify(existing) === JSON.stringify(schema)) return { action: "unchanged", version };
    const breaks = sameVersionBreaks(existing, schema);
    if (breaks.length) {
      return { action: "refuse", version, reason: `v${version} is released and this change breaks its readers (${describeBreaks(breaks)}): bump the catalog version to v${version + 1}` };
    }
    return { action: "refresh", version, note: "compatible changes recorded in the released snapshot" };
  }
  if (version > 1) {
    const previous = versions.get(version - 1);
    if (!previous) return { action: "refuse", version, reason: `v${version - 1} was never released: release versions in order` };
    const breaks = nextVersionBreaks(previous, schema);
    if (breaks.length) {
      return { action: "refuse", version, reason: `readers of v${version - 1} could not read v${version} (${describeBreaks(breaks)}): make it a new message type instead` };
    }
  }
  if (Math.max(0, ...versions.keys()) > version) return { action: "refuse", version, reason: `a later version than v${version} is already released` };
  return { action: "create", version };
}
