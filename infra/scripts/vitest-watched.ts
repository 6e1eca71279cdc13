/**
 * The test command's last step: `vitest run`, watched. Vitest's forks pool can wedge — a worker is
 * forked for the next test file and never runs it, and the run waits for it with no deadline (seen
 * once in about ten full runs here; upstream reports the same with forks). Every test here has its
 * own timeout (at most 5 minutes), and a file reports when it ends, so a run whose output stands
 * still for longer than that is not testing anything: it is stopped (the whole process group, its
 * servers included) and started once more, saying so. A second run that stands still fails.
 *
 *   tsx infra/scripts/vitest-watched.ts [--stall-minutes N] [-- command ...]   (default: vitest run)
 *
 * Exit code: the command's own, or 1 when both runs stood still.
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const HELP = `Runs vitest (or the command after --) and starts it once more if its output stands still.

Usage: tsx infra/scripts/vitest-watched.ts [--stall-minutes N] [-- command ...]
  --stall-minutes N   minutes without any output before a run counts as stuck (default 10)
  --help              this text`;

/** Longer than any test's or hook's own timeout (the fault suite's 5 minutes), with room. */
const DEFAULT_STALL_MINUTES = 10;

type Outcome = { kind: "exited"; code: number } | { kind: "stalled" };

/** Runs `command` in its own process group, passing its output through; stops it when silent for `stallMs`. */
function runWatched(command: string[], stallMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const color = process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: "1" } : {};
    const child = spawn(command[0]!, command.slice(1), { detached: true, stdio: ["inherit", "pipe", "pipe"], env: { ...process.env, ...color } });
    let last = Date.now();
    let stalled = false;
    /** Signals the command's whole group; one that has already ended is left alone. */
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // ESRCH: the group ended meanwhile.
      }
    };
    child.stdout!.on("data", (chunk: Buffer) => ((last = Date.now()), process.stdout.write(chunk)));
    child.stderr!.on("data", (chunk: Buffer) => ((last = Date.now()), process.stderr.write(chunk)));
    const watch = setInterval(() => {
      if (Date.now() - last < stallMs || stalled) return;
      stalled = true;
      signalGroup("SIGKILL");
    }, Math.min(15_000, Math.max(100, stallMs / 10)));
    // Ctrl-C or a CI stop ends the whole group, not only this watcher.
    const forward = (signal: NodeJS.Signals) => () => signalGroup(signal);
    const onInt = forward("SIGINT");
    const onTerm = forward("SIGTERM");
    process.on("SIGINT", onInt).on("SIGTERM", onTerm);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearInterval(watch);
      process.off("SIGINT", onInt).off("SIGTERM", onTerm);
      resolve(stalled ? { kind: "stalled" } : { kind: "exited", code: code ?? (signal ? 1 : 0) });
    });
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { "stall-minutes": { type: "string", default: String(DEFAULT_STALL_MINUTES) }, help: { type: "boolean", default: false } },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const minutes = Number(values["stall-minutes"]);
  if (!(minutes > 0)) {
    console.error(`--stall-minutes "${values["stall-minutes"]}" is not a positive number of minutes`);
    return 2;
  }
  const command = positionals.length ? positionals : [fileURLToPath(new URL("../../node_modules/.bin/vitest", import.meta.url)), "run"];
  for (let run = 1; run <= 2; run++) {
    const outcome = await runWatched(command, minutes * 60_000);
    if (outcome.kind === "exited") return outcome.code;
    const said = `no output for ${minutes} minute${minutes === 1 ? "" : "s"}: "${command.join(" ")}" was stopped (a test runner that stands still, not a failing test)`;
    if (run === 1) console.error(`\n${said}; running it once more\n`);
    else console.error(`\n${said} again; giving up`);
  }
  return 1;
}

process.exitCode = await main();
