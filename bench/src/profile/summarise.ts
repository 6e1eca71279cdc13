/**
 * Reads a V8 `.cpuprofile` and prints where the time went: self time per function (with its
 * file), and self time per package/folder, so that a hot path shows up as one line, not a flame
 * graph to squint at.
 *
 *   tsx src/profile/summarise.ts <file.cpuprofile> [top]
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

// A reader such as `head` may close the pipe early; that is not an error here.
process.stdout.on("error", () => process.exit(0));
const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: summarise.ts <file.cpuprofile> [top]\n");
  process.exit(2);
}
const top = Number(process.argv[3] ?? 30);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, Node>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n);
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** Shortens a URL to the part that names its package or folder. */
function where(url: string): string {
  if (!url) return "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith("node:")) return url;
  const m = /\/(contracts|infra|bench|services|test)\/(.*)$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : url.replace(/^file:\/\//, "");
}

const fn = new Map<string, number>();
const pkg = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id)!;
  const w = where(n.callFrame.url);
  // Native frames (crypto jobs, socket writes) say little alone: name the JS function calling them.
  const caller = !n.callFrame.url ? parentOf.get(id) : undefined;
  const via = caller ? ` ← ${caller.callFrame.functionName || "(anonymous)"} ${where(caller.callFrame.url)}` : "";
  const name = `${n.callFrame.functionName || "(anonymous)"}${via}  ${w}:${n.callFrame.lineNumber + 1}`;
  fn.set(name, (fn.get(name) ?? 0) + t);
  const group = w.startsWith("contracts/") || w.startsWith("bench/") ? w : w.split(":")[0]!;
  pkg.set(group, (pkg.get(group) ?? 0) + t);
}
const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const show = (title: string, m: Map<string, number>): void => {
  process.stdout.write(`\n${title} (total ${(total / 1e6).toFixed(2)} s sampled)\n`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(t)}  ${(t / 1000).toFixed(0).padStart(7)} ms  ${k}\n`);
};
show("self time by function", fn);
show("self time by package / file", pkg);
