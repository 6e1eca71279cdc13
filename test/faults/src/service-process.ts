/**
 * A level service as the operator runs it: its own process (`tsx services/<level>/src/main.ts
 * --org … --data … --server …`), killed with SIGKILL like a crash would, and started again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "@schakel/harness";

const root = fileURLToPath(new URL("../../../", import.meta.url));

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
      const keep = (b: Buffer): void => void lines.push(...b.toString("utf8").split("\n").filter(Boolean));
      proc.stdout?.on("data", keep);
      proc.stderr?.on("data", keep);
      await waitFor(() => {
        if (proc.exitCode !== null) throw new Error(`${level} service exited with ${proc.exitCode}:\n${lines.slice(-20).join("\n")}`);
        return lines.some((l) => l.includes('"ready"'));
      }, { timeoutMs: 60_000, intervalMs: 100, what: `the ${level} service for ${org} to be ready` });
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
