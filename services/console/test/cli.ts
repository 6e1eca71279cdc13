/** Runs the real `schakel` command (the workspace's bin) against a test bus and parses its --json output. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCHAKEL = fileURLToPath(new URL("../../../node_modules/.bin/schakel", import.meta.url));

/** `schakel --data <dataDir> --server <url> ...args --json`; rejects with the command's stderr on failure. */
export function schakel<T = Record<string, unknown>>(bus: { dataDir: string; url: string }, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(SCHAKEL, ["--data", bus.dataDir, "--server", bus.url, ...args, "--json"], { timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`schakel ${args.join(" ")} failed (${err.message}): ${stderr}`));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`schakel ${args.join(" ")} printed no JSON: ${stdout} ${stderr}`));
      }
    });
  });
}
