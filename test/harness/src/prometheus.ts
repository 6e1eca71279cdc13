/**
 * A real Prometheus for tests, in the style of the nats-server harness: its own temp directory
 * (config, TSDB), a free loopback port (tried again on another one if the port was taken in the
 * meantime), ready when `/-/ready` answers, killed and deleted afterwards. `promtool` runs the
 * rule checks and checks a scraped exposition. Both fail with a message saying how to install
 * them when they are missing (Debian 12: `apt-get install prometheus`, version 2.42).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { renderScrapeConfig } from "@schakel/infra";
import { freePort } from "./free-port.ts";
import { waitFor } from "./wait.ts";

/** The absolute path of `prometheus` or `promtool`; throws saying how to install it when it is missing. */
export function findPrometheusTool(name: "prometheus" | "promtool"): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not installed (not on PATH): install it (Debian/Ubuntu: apt-get install prometheus, which brings promtool) — the metrics tests need a real Prometheus`);
}

/** Runs promtool; resolves with its exit code and output (stdin: `input`, for `check metrics`). */
export function promtool(args: string[], input?: string): { code: number; output: string } {
  const r = spawnSync(findPrometheusTool("promtool"), args, { input, encoding: "utf8", timeout: 30_000 });
  return { code: r.status ?? -1, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/** One sample of an instant vector query. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface PrometheusServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** An instant query through `/api/v1/query`; throws with Prometheus's error text. */
  query(expr: string): Promise<Sample[]>;
  /** Last lines of Prometheus's log, for assertion messages. */
  output(): string;
  /** Kills the process and deletes its directory. Idempotent. */
  cleanup(): Promise<void>;
}

export interface PrometheusOptions {
  /** `host:port` of each scraped `/metrics`. */
  targets: string[];
  /** Scrape and evaluation interval (default 1s). */
  interval?: string;
  /** Rule files (absolute paths) to load. */
  ruleFiles?: string[];
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** Starts Prometheus scraping `targets`; resolves once it is ready. */
export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusServer> {
  const bin = findPrometheusTool("prometheus");
  const dir = await mkdtemp(path.join(tmpdir(), "schakel-prometheus-"));
  const config = path.join(dir, "prometheus.yml");
  await writeFile(config, renderScrapeConfig({ targets: opts.targets, interval: opts.interval ?? "1s", ...(opts.ruleFiles ? { ruleFiles: opts.ruleFiles } : {}) }));
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const lines: string[] = [];
    const child = spawn(bin, [
      `--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=info",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    live.add(child);
    child.stderr!.on("data", (b: Buffer) => {
      lines.push(...b.toString().split("\n").filter(Boolean));
      if (lines.length > 200) lines.splice(0, lines.length - 100);
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let gone = false;
    void exited.then(() => void (gone = true));
    const url = `http://127.0.0.1:${port}`;
    const output = (): string => lines.slice(-40).join("\n");
    const cleanup = async (): Promise<void> => {
      if (!gone) child.kill("SIGKILL");
      await exited;
      live.delete(child);
      await rm(dir, { recursive: true, force: true });
    };
    try {
      await waitFor(async () => {
        if (gone) throw new Error(`prometheus exited:\n${output()}`);
        return (await fetch(`${url}/-/ready`)).ok;
      }, { timeoutMs: 20_000, intervalMs: 100, what: `prometheus ready on ${url}` });
    } catch (err) {
      lastError = err;
      if (!gone) child.kill("SIGKILL");
      await exited;
      live.delete(child);
      if (/address already in use/i.test(output())) continue;
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return {
      url,
      output,
      cleanup,
      [Symbol.asyncDispose]: cleanup,
      async query(expr) {
        const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
        const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
        if (body.status !== "success" || body.data?.resultType !== "vector") throw new Error(`query ${expr} failed: ${body.error ?? JSON.stringify(body)}`);
        return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}
