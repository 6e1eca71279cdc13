/**
 * One real nats-server process per test, on random loopback ports, with its
 * own temp directory (config, ports file, JetStream store). Port 4222 is
 * never used: a shared development server lives there.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { findNatsServerBinary } from "@schakel/infra";
import { renderConfig, type PortsFile, type ServerOptions } from "./config.ts";
import { readInfo } from "./probe.ts";
import { waitFor } from "./wait.ts";

export type { PortsFile, ServerOptions };

/** Options for {@link NatsServer.stop}. */
export interface StopOptions {
  /** SIGKILL (default, fast) or SIGTERM (graceful, escalates after 5 s). */
  signal?: "SIGKILL" | "SIGTERM";
}

/** Handle on a running (or stopped) nats-server; see {@link startServer}. */
export interface NatsServer extends AsyncDisposable {
  /** Client port; stays the same across {@link restart}. */
  readonly port: number;
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** Monitoring base URL (`http://127.0.0.1:<port>`), if monitoring is on. */
  readonly monitorUrl: string | undefined;
  /** JetStream `store_dir` (the server nests a `jetstream/` folder inside). */
  readonly storeDir: string;
  /** Temp directory holding config, ports file and store. */
  readonly dir: string;
  /** PID of the current (or last) process. */
  readonly pid: number;
  /** Whether the process is alive. */
  readonly running: boolean;
  /** Last lines of server output, for assertion messages. */
  output(): string;
  /** Stop the process and wait for exit. Idempotent; keeps the directory. */
  stop(opts?: StopOptions): Promise<void>;
  /** (Stop if needed, then) start again on the same port and store; waits until ready. */
  restart(): Promise<void>;
  /** SIGKILL, leaving store and ports file as a crash would; waits for exit. */
  kill9(): Promise<void>;
  /** Stop and delete the directory. Idempotent. */
  cleanup(): Promise<void>;
}

const MAX_LINES = 60;
/** Every live child, so a crashing test run does not leak servers. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

class ManagedServer implements NatsServer {
  port = -1;
  monitorUrl: string | undefined;
  pid = -1;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private lines: string[] = [];
  private partial = "";
  private alive = false;
  private disposed = false;

  constructor(
    readonly dir: string,
    readonly storeDir: string,
    private readonly opts: ServerOptions,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.alive;
  }

  output(): string {
    return this.lines.join("\n");
  }

  private record(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString("utf8")).split("\n");
    this.partial = parts.pop() ?? "";
    this.lines.push(...parts.filter((l) => l.trim() !== ""));
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
  }

  /** Spawn with the given client port (-1 = random) and wait for readiness. */
  async start(port: number): Promise<void> {
    if (this.disposed) throw new Error(`nats-server in ${this.dir} was cleaned up; cannot start it again`);
    const file = path.join(this.dir, "nats.conf");
    const config = renderConfig(this.opts, this.dir, this.storeDir, port);
    await writeFile(file, config);
    // A kill9 leaves the old ports file behind; drop it so a recycled pid can't match it.
    for (const f of await readdir(this.dir)) if (f.endsWith(".ports")) await rm(path.join(this.dir, f), { force: true });
    this.lines = [];
    this.partial = "";
    const child = spawn(this.bin, ["-c", file], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    this.alive = true;
    live.add(child);
    const gone = (): void => {
      this.alive = false;
      live.delete(child);
    };
    // "close" (not "exit") so the last output lines are captured before we report.
    this.exited = new Promise((resolve) => {
      child.once("close", () => resolve());
      child.once("error", (err) => {
        this.lines.push(`spawn error: ${err.message}`);
        resolve();
      });
    });
    child.once("exit", gone);
    child.once("error", gone);
    child.stdout?.on("data", (c: Buffer) => this.record(c));
    child.stderr?.on("data", (c: Buffer) => this.record(c));
    this.pid = child.pid ?? -1;
    const timeoutMs = this.opts.startTimeoutMs ?? 10_000;
    try {
      const ports = await waitFor(() => this.readPorts(child), { timeoutMs, what: "nats-server ports file" });
      if (ports === "exited") throw new Error("the process exited during startup");
      const clientPort = Number(new URL(ports.nats?.[0] ?? "nats://x:0").port);
      if (!clientPort) throw new Error(`ports file lists no client port: ${JSON.stringify(ports)}`);
      this.port = clientPort;
      this.monitorUrl = ports.monitoring?.[0];
      // The ports file appears once listeners are up; an INFO banner proves it.
      await waitFor(() => readInfo(clientPort), { timeoutMs: 2_000, what: `INFO on port ${clientPort}` });
    } catch (err) {
      await this.stop();
      const reason = err instanceof Error ? err.message : String(err);
      // Quote the config too: on a first start the directory is deleted.
      const detail = `--- config ---\n${config}--- server output ---\n${this.output()}`;
      throw new Error(`nats-server failed to start (${reason})\n${detail}`, { cause: err });
    }
  }

  /** One readiness poll: the ports file for this pid, or "exited" to fail fast. */
  private async readPorts(child: ChildProcess): Promise<PortsFile | "exited" | undefined> {
    if (this.child !== child || !this.alive) return "exited";
    const name = (await readdir(this.dir)).find((f) => f.endsWith(`_${child.pid}.ports`));
    if (!name) return undefined;
    // The file may be caught half-written; a parse error just means "poll again".
    return JSON.parse(await readFile(path.join(this.dir, name), "utf8")) as PortsFile;
  }

  async stop(opts: StopOptions = {}): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return this.exited;
    const signal = opts.signal ?? "SIGKILL";
    child.kill(signal);
    if (signal === "SIGTERM") {
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await this.exited;
      clearTimeout(timer);
    } else {
      await this.exited;
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start(this.port);
  }

  kill9(): Promise<void> {
    return this.stop({ signal: "SIGKILL" });
  }

  async cleanup(): Promise<void> {
    await this.stop();
    if (this.disposed) return;
    this.disposed = true;
    await rm(this.dir, { recursive: true, force: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.cleanup();
  }
}

/**
 * Start a nats-server on a random loopback port in a fresh temp directory and
 * wait until it answers with an INFO banner (10 s default timeout; the error
 * quotes the server's output). Call `cleanup()` (or `await using`) when done.
 *
 * @throws NatsServerMissingError (from @schakel/infra) when no binary is installed.
 */
export async function startServer(opts: ServerOptions = {}): Promise<NatsServer> {
  const bin = findNatsServerBinary();
  const dir = await mkdtemp(path.join(tmpdir(), "schakel-nats-"));
  const server = new ManagedServer(dir, opts.storeDir ?? path.join(dir, "js"), opts, bin);
  try {
    await server.start(opts.port ?? -1);
  } catch (err) {
    await server.cleanup();
    throw err;
  }
  return server;
}
