/**
 * `schakel up` as a user runs it: from a fresh data folder ready in under 10 s on a free port,
 * taking notices; Ctrl-C stops everything (exit 0, server gone); a second `up` resumes with the
 * earlier notices; a second `up` beside a running one is refused; after a crash (SIGKILL of `up`)
 * the nats-server it left behind is stopped and the data is intact.
 */
import { chmodSync, existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alive, feedItems, killChildren, schakel, schakelJson, startUp, type UpProcess } from "../src/mod.ts";

let dataDir: string;
const natsPids = new Set<number>();
let noticeId = "";

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "schakel-e2e-up-"));
});
afterAll(async () => {
  await killChildren();
  // A server orphaned by a SIGKILLed `up` is not our child: kill it by the pid `up` reported.
  for (const pid of natsPids) if (alive(pid)) process.kill(pid, "SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

/** Permission bits of a path in the data folder. */
const mode = (path: string): number => statSync(join(dataDir, path)).mode & 0o777;

async function up(): Promise<UpProcess> {
  const u = await startUp(["--data", dataDir, "--port", "0"]);
  if (u.summary.natsPid) natsPids.add(u.summary.natsPid);
  return u;
}

describe("e2e up", () => {
  let first: UpProcess;

  it("up - a fresh data folder is ready in under 10 s on a free port and takes notices", async () => {
    first = await up();
    const s = first.summary;
    console.info(`up from a fresh data folder: ready in ${s.readyMs} ms (wall ${Math.round(first.wallMs)} ms), phases ${JSON.stringify(s.phasesMs)}`);
    expect(s.resumed).toBe(false);
    expect(s.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(s.url).not.toMatch(/:4222$/);
    expect(s.services.flatMap((x) => x.orgs)).toEqual(expect.arrayContaining(["mechelen", "vilvoorde", "fed-ocam", "vpr"]));
    expect(s.consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // The console asks who you are: its pages send the browser to sign in at the stack's provider.
    const page = await fetch(s.consoleUrl!, { redirect: "manual" });
    expect([page.status, page.headers.get("location")]).toEqual([303, "/login?back=%2F"]);
    const login = await fetch(new URL("/login", s.consoleUrl!), { redirect: "manual" });
    expect(login.status).toBe(302);
    expect(login.headers.get("location")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?.*code_challenge_method=S256/);
    expect((await fetch(new URL("/api/health", s.consoleUrl!))).status).toBe(200);
    const posted = await schakelJson<{ noticeId: string; traceId: string; copies: unknown[] }>([
      "notice", "post", "--data", dataDir, "--as", "fed-ocam", "--to", "mechelen,vilvoorde", "--category", "threat-assessment",
      "--title", "Threat level for public events", "--body", "Level 2 remains until further notice.", "--ack-by", "1h",
    ]);
    expect(posted.copies).toHaveLength(2);
    noticeId = posted.noticeId;
    expect(s.readyMs).toBeLessThan(10_000);
    expect(first.wallMs).toBeLessThan(10_000);
  });

  it("up - a second up beside a running one is refused with one line", async () => {
    const r = await schakel(["up", "--data", dataDir, "--json"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/already running for .* \(pid \d+, bus nats:\/\/127\.0\.0\.1:\d+\)/);
  });

  it("up - Ctrl-C stops services and server and exits 0", async () => {
    const natsPid = first.summary.natsPid!;
    expect(alive(natsPid)).toBe(true);
    expect(await first.interrupt()).toBe(0);
    expect(alive(natsPid)).toBe(false);
    expect(existsSync(join(dataDir, "connection.json"))).toBe(false);
    // What the services log holds ids, never titles, and only the owner can read it.
    expect([mode("."), mode("logs"), mode("logs/services.log"), mode("logs/nats-server.log")]).toEqual([0o700, 0o700, 0o600, 0o600]);
    const log = readFileSync(join(dataDir, "logs", "services.log"), "utf8");
    expect(log).toContain(noticeId);
    expect(log).not.toContain("Threat level for public events");
    // As an earlier release left them: the next start tightens them again.
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, "logs"), 0o755);
    chmodSync(join(dataDir, "logs", "services.log"), 0o644);
    const r = await schakel(["feed", "--data", dataDir, "--as", "mechelen", "--wait", "0"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no running bus found/);
  });

  it("up - a second up resumes with the earlier notices; after a crash the leftover server is stopped", async () => {
    expect(noticeId).not.toBe("");
    const second = await up();
    let orphan = 0;
    try {
      expect([mode("."), mode("logs"), mode("logs/services.log")]).toEqual([0o700, 0o700, 0o600]);
      expect(second.summary.resumed).toBe(true);
      expect(second.summary.streams.find((x) => x.name === "COORD")!.messages).toBeGreaterThanOrEqual(2);
      const items = await feedItems(dataDir, "mechelen", ["--type", "notice.posted"]);
      expect(items.map((i) => i.data?.noticeId)).toContain(noticeId);
      const status = await schakelJson<{ recipients: { org: string; deliveredAt: string | null }[] }>(["notice", "status", noticeId, "--data", dataDir]);
      expect(status.recipients.map((r) => r.org).sort()).toEqual(["mechelen", "vilvoorde"]);
      expect(status.recipients.every((r) => r.deliveredAt !== null)).toBe(true);
      orphan = second.summary.natsPid!;
    } finally {
      // A crash: `up` is SIGKILLed and cannot stop its nats-server.
      await second.kill();
    }
    expect(alive(orphan)).toBe(true);
    const third = await up();
    try {
      expect(alive(orphan)).toBe(false);
      expect(third.output()).toMatch(new RegExp(`stopped nats-server pid ${orphan}`));
      const again = await feedItems(dataDir, "vilvoorde", ["--type", "notice.posted"]);
      expect(again.map((i) => i.data?.noticeId)).toContain(noticeId);
    } finally {
      expect(await third.interrupt()).toBe(0);
    }
  });

  it("up - a port in use is one clear line, exit 1", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await schakel(["up", "--data", join(dataDir, "other"), "--port", String(port), "--json"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`port ${port} is already in use`));
    } finally {
      blocker.close();
    }
  });
});
