/**
 * Running nats-server processes for the local topology script: learn the binary's version, start
 * one process per generated config and wait until it accepts clients. The binary is found by
 * `findNatsServerBinary` (src/embedded/binary.ts), the one finder `up` and the tests use too.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import net from "node:net";

/** The server's version, e.g. "2.9.10". */
export function natsServerVersion(bin: string): string {
  const out = spawnSync(bin, ["--version"], { encoding: "utf8" });
  return /v?(\d+\.\d+\.\d+)/.exec(`${out.stdout}${out.stderr}`)?.[1] ?? "unknown";
}

export interface RunningNode {
  name: string;
  port: number;
  child: ChildProcess;
  /** Last lines of output, for an error message. */
  output(): string;
}

/** Starts `nats-server -c <config>`; resolves once `port` accepts TCP connections (30 s at most). */
export async function startNode(bin: string, name: string, configFile: string, port: number): Promise<RunningNode> {
  const lines: string[] = [];
  const child = spawn(bin, ["-c", configFile], { stdio: ["ignore", "pipe", "pipe"] });
  const keep = (b: Buffer): void => {
    lines.push(...b.toString("utf8").split("\n").filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const node = { name, port, child, output: () => lines.join("\n") };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await accepts(port)) return node;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`${name} did not start (config ${configFile}):\n${node.output()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/** Stops every node (SIGTERM, then SIGKILL after 5 s) and waits for them to exit. */
export async function stopNodes(nodes: readonly RunningNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => new Promise<void>((resolve) => {
    if (n.child.exitCode !== null) return resolve();
    const timer = setTimeout(() => n.child.kill("SIGKILL"), 5_000);
    n.child.once("exit", () => (clearTimeout(timer), resolve()));
    n.child.kill("SIGTERM");
  })));
}
