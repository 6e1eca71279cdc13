/**
 * `schakel status` on a real secured bus with every level service and the auditor running, and
 * nats-server's monitoring endpoint written in connection.json as `schakel up` does: healthy →
 * exit 0 with the JSON fields; a dead letter → exit 1 naming it on the last line; an overdue
 * obligation → exit 1; an organisation `/readyz` reports not ready → disconnected; a stopped bus with `--wait 0` → exit 3; `--watch` ends with exit 0 on
 * Ctrl-C; `--help`.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ID, messageSubject } from "@schakel/contracts";
import { OperatorConnection } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { notReady, ready, startHealthServer } from "@schakel/runtime";
import { startLevelServices, startStackAuditor, type LevelServices, type RunningAuditor } from "@schakel/stack";
import type { StatusReport } from "../src/status/judge.ts";
import { BIN, runBinary, runInProcess } from "./support/run-cli.ts";

let s: SchakelServer;
let services: LevelServices;
let auditor: RunningAuditor;
let g: string[];

const statusJson = async (...extra: string[]): Promise<{ code: number; report: StatusReport; stderr: string }> => {
  const r = await runInProcess([...g, "status", "--json", ...extra]);
  return { code: r.code, report: JSON.parse(r.stdout) as StatusReport, stderr: r.stderr };
};

beforeAll(async () => {
  s = await startSchakelServer({ server: { monitoring: true } });
  g = ["--data", s.dataDir, "--server", s.url, "--wait", "0"];
  await writeFile(join(s.dataDir, "connection.json"), JSON.stringify({ url: s.url, monitorUrl: s.server.monitorUrl }));
  [services, auditor] = await Promise.all([
    startLevelServices({ dataDir: s.dataDir, url: s.url, directory: s.directory, options: { flemish: { tickMs: 100 } } }),
    startStackAuditor({ dataDir: s.dataDir, url: s.url, identities: s.identities }),
    // No level service hosts the supralocal organisation: it runs its own client.
    s.connectAs("vvsg"),
  ]);
});
afterAll(async () => {
  await services?.stop();
  await auditor?.stop();
  await s?.cleanup();
});

describe("cli status", () => {
  it("status - a healthy bus exits 0 with every organisation connected and the JSON fields present", async () => {
    let last: string[] = [];
    const { code, report, stderr } = await waitFor(async () => {
      const r = await statusJson();
      last = r.report.reasons;
      return r.code === 0 ? r : undefined;
    }, { timeoutMs: 20_000, intervalMs: 250, what: "a healthy status" }).catch((err: Error) => {
      throw new Error(`${err.message}; still degraded: ${last.join("; ")}`);
    });
    expect(code, stderr).toBe(0);
    expect(report).toMatchObject({ url: s.url, health: "healthy", reasons: [], thresholds: { maxLag: 100 }, sources: { connz: { state: "ok" }, readyz: { state: "absent" } } });
    expect(report.summary).toMatchObject({ organisations: s.directory.organisations.length, connected: s.directory.organisations.length, disconnected: 0, overdueObligations: 0, deadLetters: 0 });
    const mechelen = report.organisations.find((o) => o.org === "mechelen");
    expect(mechelen).toMatchObject({ level: "local", health: "ok", connected: true, connectedVia: "connz", pending: 0, missingConsumers: [], overdueObligations: 0, deadLetters: 0 });
    expect(mechelen!.connections).toBeGreaterThan(0);
    expect(report.streams.map((x) => x.name).sort()).toEqual(["CASE", "COORD", "DEADLETTER", "READS", "SANDBOX"]);
    expect(Object.keys(report.streams[0]!).sort()).toEqual(["bytes", "consumers", "firstAt", "firstSeq", "lastAt", "lastSeq", "messages", "name"]);
    expect(report.auditor.connected).toBe(true);
    expect(report.auditor.streams.map((a) => a.consumer)).toEqual(["audit--coord", "audit--case", "audit--deadletter", "audit--reads"]);
    const human = await runInProcess([...g, "status"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/ORGANISATION\s+LEVEL\s+CONN\s+BEHIND/);
    expect(human.stdout.trimEnd().split("\n").at(-1)).toBe("healthy");
    const widest = human.stdout.split("\n").reduce((a, l) => (l.length > a.length ? l : a), "");
    expect(widest.length, widest).toBeLessThanOrEqual(100);
  });

  it("status - a dead letter in the last hour makes it degraded (exit 1) and the last line names it", async () => {
    // Bytes that are no message at all, to mechelen: its service files them in DEADLETTER.
    const raw = await s.rawAs("fed-ocam");
    await raw.request(messageSubject("notice.posted", "mechelen", "fed-ocam"), new TextEncoder().encode("not json"), { timeout: 5_000 });
    const { report } = await waitFor(async () => {
      const r = await statusJson();
      return r.report.summary.deadLetters >= 2 ? r : undefined;
    }, { timeoutMs: 20_000, intervalMs: 250, what: "the dead letter in the status" });
    expect(report.health).toBe("degraded");
    // Mechelen's inbox and the platform (which reads everything between the levels) each file it.
    expect(report.organisations.slice(0, 2).map((o) => o.org).sort()).toEqual(["mechelen", "vpr"]);
    expect(report.organisations.find((o) => o.org === "mechelen")).toMatchObject({ deadLetters: 1, deadLetterReasons: { "malformed-json": 1 }, health: "degraded", problems: ["1 dead letter"] });
    const human = await runInProcess([...g, "status"]);
    expect(human.code).toBe(1);
    expect(human.stdout.trimEnd().split("\n").at(-1)).toMatch(/^degraded: 2 dead letters in the last 1h \((mechelen|vpr): malformed-json, (mechelen|vpr): malformed-json\)$/);
  });

  it("status - an overdue obligation makes it degraded (exit 1); --org narrows to one organisation", async () => {
    const posted = await runInProcess([...g, "notice", "post", "--as", "fed-ocam", "--to", "vilvoorde", "--title", "Release of a detainee",
      "--body", "Coordinate the follow-up.", "--ack-by", "2s", "--json"]);
    expect(posted.code, posted.stderr).toBe(0);
    const { code, report } = await waitFor(async () => {
      const r = await statusJson("--org", "vilvoorde");
      return r.report.summary.overdueObligations > 0 ? r : undefined;
    }, { timeoutMs: 20_000, intervalMs: 250, what: "vilvoorde's overdue obligation" });
    expect(code).toBe(1);
    expect(report.organisations.map((o) => o.org)).toEqual(["vilvoorde"]);
    expect(report.organisations[0]).toMatchObject({ overdueObligations: 1, problems: ["1 overdue obligation"] });
    expect(report.reasons).toEqual(["1 overdue obligation (vilvoorde 1)"]);
    expect(report.organisations[0]!.lastReceivedAt).not.toBeNull();
    expect((await statusJson("--org", "fed-ocam")).report.organisations[0]!.lastSentAt).not.toBeNull();
    const human = await runInProcess([...g, "status", "--org", "vilvoorde"]);
    expect(human.code).toBe(1);
    expect(human.stdout.trimEnd().split("\n").at(-1)).toBe("degraded: 1 overdue obligation (vilvoorde 1)");
  });

  it("status - the recent window reads the newest messages, says when it skipped older ones, and continues after a sequence", async () => {
    const op = await OperatorConnection.connect({ servers: s.url, as: ADMIN_ID, seed: s.identities.admin.seed, reconnect: false });
    try {
      const { lastSeq } = await op.streamState("COORD");
      expect(lastSeq).toBeGreaterThanOrEqual(3);
      const since = new Date(Date.now() - 3_600_000);
      const newest = await op.recentMessages("COORD", { since, max: 2 });
      expect(newest).toMatchObject({ truncated: true, throughSeq: lastSeq });
      expect(newest.messages.map((m) => m.seq)).toEqual([lastSeq - 1, lastSeq]);
      const whole = await op.recentMessages("COORD", { since });
      expect(whole.truncated).toBe(false);
      expect(whole.messages.at(-1)!.seq).toBe(lastSeq);
      expect(await op.recentMessages("COORD", { since, afterSeq: lastSeq })).toEqual({ messages: [], truncated: false, throughSeq: lastSeq });
      expect((await op.recentMessages("COORD", { since: new Date(Date.now() + 60_000) })).messages).toEqual([]);
    } finally {
      await op.close();
    }
  });

  it("status - an organisation the hosting process reports not ready (/readyz) is disconnected, with its reason", async () => {
    const health = await startHealthServer({ components: { local: () => ({ ready: false, organisations: { mechelen: notReady("its inbox consumer is gone"), antwerpen: ready } }) } });
    const connection = join(s.dataDir, "connection.json");
    try {
      await writeFile(connection, JSON.stringify({ url: s.url, monitorUrl: s.server.monitorUrl, healthUrl: health.url }));
      const { code, report } = await statusJson();
      expect(code).toBe(1);
      expect(report.sources.readyz).toEqual({ state: "ok", url: `${health.url}/readyz`, reason: null });
      expect(report.organisations[0]).toMatchObject({ org: "mechelen", connected: false, connectedVia: "readyz", reason: "local: its inbox consumer is gone" });
      expect(report.organisations.find((o) => o.org === "antwerpen")).toMatchObject({ connected: true, connectedVia: "readyz" });
      // Organisations the process does not report are judged from the server's connections.
      expect(report.organisations.find((o) => o.org === "vvsg")).toMatchObject({ connected: true, connectedVia: "connz" });
      expect(report.reasons[0]).toBe("1 organisation disconnected (mechelen)");
    } finally {
      await writeFile(connection, JSON.stringify({ url: s.url, monitorUrl: s.server.monitorUrl }));
      await health.stop();
    }
  });

  it("status - --watch redraws as JSON lines until Ctrl-C, then exits 0", async () => {
    const child = spawn(process.execPath, [BIN, ...g, "status", "--watch", "200ms", "--json"], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (c) => (stdout += c));
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
    await waitFor(() => stdout.split("\n").filter(Boolean).length >= 2, { timeoutMs: 20_000, what: "two rounds of status --watch" });
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    const rounds = stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as StatusReport);
    expect(rounds.every((r) => r.url === s.url && r.summary.organisations === s.directory.organisations.length)).toBe(true);
  });

  it("status - a stopped bus with --wait 0 exits 3 at once, saying so", async () => {
    const stopped = await startSchakelServer();
    try {
      await stopped.server.stop();
      const r = await runBinary(["--data", stopped.dataDir, "--server", stopped.url, "--wait", "0", "status"]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(new RegExp(`cannot reach the bus at ${stopped.url} \\(.+\\): is "(npx )?schakel up" running\\?`));
    } finally {
      await stopped.cleanup();
    }
  });

  it("status - --help names the options and the exit codes", async () => {
    const r = await runInProcess(["status", "--help"]);
    expect(r.code).toBe(0);
    for (const option of ["--json", "--watch [interval]", "--org <id>", "--all", "--max-lag <messages>", "--window <duration>"]) expect(r.stdout).toContain(option);
    expect(r.stdout).toMatch(/Exit codes: 0 healthy · 1 degraded .* 3 bus unreachable/);
  });
});
