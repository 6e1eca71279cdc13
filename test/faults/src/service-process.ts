/**
 * A level service as the operator runs it: its own process (`tsx services/<level>/src/main.ts
 * --org … --data … --server …`), killed with SIGKILL like a crash would, and started again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
/** How long a (re)start may take on a busy machine before it counts as failed. */
const START_TIMEOUT_MS = 60_000;

export interface ServiceProcess {
  /** Starts (or starts again) and resolves once the service logged "ready". */
  start(): Promise<void>;
  /** SIGKILL, no shutdown of any kind; resolves once the process is gone. */
  kill9(): Promise<void>;
  output(): string;
}

/** A handle on `services/<level>` for organisation `org` against the bus at `server`. */
export function serviceProcess(level: string, org: string, dataDir: string, server: string, extraArgs: readonly string[] = []): ServiceProcess {
  let child: ChildProcess | undefined;
  let lines: string[] = [];
  const main = path.join(root, "services", level, "src", "main.ts");
  return {
    async start() {
      lines = [];
      // node with tsx's loader, not the tsx wrapper: the wrapper runs the service in a child
      // process, and a SIGKILL of the wrapper would leave the service itself running.
      const proc = spawn(process.execPath, ["--import", "tsx", main, "--org", org, "--data", dataDir, "--server", server, "--log-level", "info", ...extraArgs], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      child = proc;
      // Ready when it logs "ready"; a process that exits first fails the start at once, with its output.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the ${level} service for ${org} was not ready after ${START_TIMEOUT_MS} ms:\n${lines.slice(-20).join("\n")}`)), START_TIMEOUT_MS);
        // Whole lines only (a chunk may end mid-line), one partial line per stream.
        const lineReader = (): ((b: Buffer) => void) => {
          let partial = "";
          return (b) => {
            const parts = (partial + b.toString("utf8")).split("\n");
            partial = parts.pop() ?? "";
            const added = parts.filter(Boolean);
            lines.push(...added);
            if (added.some((l) => l.includes('"ready"'))) {
              clearTimeout(timer);
              resolve();
            }
          };
        };
        proc.stdout?.on("data", lineReader());
        proc.stderr?.on("data", lineReader());
        proc.once("exit", (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`the ${level} service for ${org} exited (${signal ?? code}) before it was ready:\n${lines.slice(-20).join("\n")}`));
        });
      });
    },
    async kill9() {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once("exit", () => resolve());
        proc.kill("SIGKILL");
      });
    },
    output: () => lines.slice(-40).join("\n"),
  };
}
