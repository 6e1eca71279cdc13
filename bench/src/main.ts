/**
 * `npm run bench [-- --quick] [-- --json]`: Schakel side by side with raw nats.js (and the crypto
 * limit) in one run on one machine. Progress goes to stderr; stdout carries the table, or with
 * --json only the JSON document.
 */
import { Command, InvalidArgumentError } from "commander";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { startBed } from "./bed.ts";
import { describeMachine, machineLine, type Machine } from "./machine.ts";
import { elapsedSeconds, progress } from "./progress.ts";
import { unavailable, type Figure } from "./report/figure.ts";
import { renderMarkdown } from "./report/markdown.ts";
import { renderTable } from "./report/table.ts";
import { SCENARIOS } from "./scenarios/index.ts";
import { settingsFor } from "./settings.ts";

const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 3) throw new InvalidArgumentError("rounds must be an integer of at least 3");
  return n;
};

const program = new Command("bench")
  .description("Schakel side by side with raw nats.js, alternating A B A B, medians and ratios from the same run")
  .option("--quick", "reduced counts and durations (under 2 minutes)")
  .option("--json", "print only one JSON document of all figures on stdout")
  .option("--rounds <n>", "measured rounds per scenario (at least 3)", positive)
  .option("--out <file>", "also write the JSON document to this file")
  .option("--markdown", "print the table as Markdown (for docs/BENCHMARKS.md)")
  .option("--from <file>", "run nothing: print the table of a JSON document written earlier (--out)")
  .option("--only <keys>", `comma-separated scenarios: ${SCENARIOS.map((s) => s.key).join(", ")}`)
  .showHelpAfterError();
program.parse(process.argv);
const opts = program.opts<{ quick?: boolean; json?: boolean; rounds?: number; only?: string; out?: string; markdown?: boolean; from?: string }>();

/** The three header lines of a table. */
const headerOf = (d: { mode: string; settings: { rounds: number }; durationSeconds: number; machine: Machine }): string[] => [
  `Schakel vs raw nats.js — ${d.mode} run, median of ${d.settings.rounds} alternating rounds, ${d.durationSeconds} s`,
  machineLine(d.machine),
  "crypto limit = raw nats.js + exactly one node:crypto ed25519 sign per publish / verify per consume; × raw and × limit are Schakel / reference",
];
const render = (figures: Figure[], header: string[]): string => (opts.markdown ? renderMarkdown(figures, header) : renderTable(figures, header));

if (opts.from) {
  const saved = JSON.parse(await readFile(opts.from, "utf8")) as Parameters<typeof headerOf>[0] & { scenarios: Figure[] };
  process.stdout.write(render(saved.scenarios, headerOf(saved)));
  process.exit(0);
}

const only = opts.only?.split(",").map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((k) => !SCENARIOS.some((s) => s.key === k));
if (unknown?.length) program.error(`unknown scenario ${unknown.join(", ")}; choose from ${SCENARIOS.map((s) => s.key).join(", ")}`);

const settings = settingsFor(opts);
const machine = describeMachine();
progress(`${settings.quick ? "quick" : "full"} run, ${settings.rounds} rounds; ${machineLine(machine)}`);
const bed = await startBed(settings);
progress(`nats-server ${bed.server.url} up, streams provisioned; envelope ${bed.notice.body.length} chars of body`);

const figures: Figure[] = [];
try {
  for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.key))) {
    progress(`scenario ${scenario.number}: ${scenario.title}`);
    try {
      figures.push(...(await scenario.run(bed)));
    } catch (err) {
      const reason = `failed: ${(err as Error)?.message ?? String(err)}`.replace(/\s+/g, " ").slice(0, 300);
      progress(`scenario ${scenario.number} ${reason}`);
      figures.push(unavailable({ scenario: scenario.number, id: scenario.key, name: scenario.title, unit: "", better: "higher", reason }));
    }
  }
} finally {
  await bed.close();
}
machine.loadEnd = Number(os.loadavg()[0]!.toFixed(2));

const duration = Math.round(elapsedSeconds());
const doc = { suite: "schakel-bench", version: 1, generatedAt: new Date().toISOString(), mode: settings.quick ? "quick" : "full", durationSeconds: duration, machine, settings, scenarios: figures };
if (opts.out) await writeFile(opts.out, JSON.stringify(doc, null, 2) + "\n");
if (opts.json) {
  process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
} else {
  process.stdout.write(render(figures, headerOf(doc)));
}
