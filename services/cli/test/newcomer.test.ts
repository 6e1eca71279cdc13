/**
 * A newcomer's path, against a real secured bus: a command started while no `schakel up` has
 * written connection.json waits for it and carries on; a command run from a sub-folder finds the
 * data folder above it (as git finds .git); a resume point past the end of the feed is refused; a
 * deadline without a zone, or beyond ten years, is refused before anything is published; message
 * text is shown with terminal controls escaped.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleData, STREAMS } from "@schakel/contracts";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { feedLine } from "../src/commands/feed.ts";
import { safeJson, safeText } from "../src/safe-text.ts";
import { renderSummary, type UpSummary } from "../src/up/summary.ts";
import { runBinary, runInProcess, spawnCli } from "./support/run-cli.ts";

let s: SchakelServer;
let tmp: string;
let lastSeq: number;

beforeAll(async () => {
  s = await startSchakelServer();
  tmp = await mkdtemp(join(tmpdir(), "schakel-newcomer-"));
  const ocam = await s.connectAs("fed-ocam");
  for (let i = 0; i < 2; i++) lastSeq = (await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" })).seq;
  await ocam.close();
});
afterAll(async () => {
  await s?.cleanup();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("cli for a newcomer", () => {
  it("bus wait - a command started before `up` wrote connection.json waits for it, re-reading it, and then runs", async () => {
    // A data folder of its own (the harness's identities), without connection.json yet.
    const data = join(tmp, "waiting");
    await mkdir(data);
    for (const f of ["directory.json", "identities"]) await symlink(join(s.dataDir, f), join(data, f));
    const feed = spawnCli(["--data", data, "--wait", "30s", "feed", "--as", "mechelen", "--json"]);
    await waitFor(() => /no running bus found in .* yet \(no connection\.json\); waiting for "npx schakel up"; retrying in/.test(feed.stderr()), { timeoutMs: 20_000, what: "the waiting line" });
    await writeFile(join(data, "connection.json"), JSON.stringify({ url: s.url }));
    const r = await feed.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(2);
    expect(r.stderr).toMatch(new RegExp(`reached the bus at ${s.url} after`));
  });

  it("bus wait - with --wait 0 and no connection.json the command exits 3 at once, saying what to run", async () => {
    const data = join(tmp, "nobus");
    await mkdir(data);
    for (const f of ["directory.json", "identities"]) await symlink(join(s.dataDir, f), join(data, f));
    const r = await runInProcess(["--data", data, "--wait", "0", "feed", "--as", "mechelen"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no running bus found in .*nobus: start one with "npx schakel up", or pass --server URL/);
  });

  it("data folder - found in a parent folder like .git, from a sub-folder of the project", async () => {
    const project = join(tmp, "project");
    await mkdir(join(project, "services", "console"), { recursive: true });
    await symlink(s.dataDir, join(project, ".schakel"));
    await writeFile(join(s.dataDir, "connection.json"), JSON.stringify({ url: s.url }));
    try {
      const r = await runBinary(["feed", "--as", "mechelen", "--json"], {}, join(project, "services", "console"));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim().split("\n")).toHaveLength(2);
      // --data still wins over the folder found above.
      const other = await runBinary(["--data", join(tmp, "elsewhere"), "feed", "--as", "mechelen"], {}, join(project, "services", "console"));
      expect([other.code, other.stderr]).toEqual([2, expect.stringContaining(`no key directory in ${join(tmp, "elsewhere")}`)]);
    } finally {
      await rm(join(s.dataDir, "connection.json"), { force: true });
    }
  });

  it("feed - --since past the end of the stream is refused (exit 2) naming the last sequence; --since the last one reads nothing", async () => {
    const g = ["--data", s.dataDir, "--server", s.url];
    const r = await runInProcess([...g, "feed", "--as", "mechelen", "--since", "99999"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`--since 99999 is past the end of the feed: the last stream sequence is ${lastSeq}`);
    const atEnd = await runInProcess([...g, "feed", "--as", "mechelen", "--since", String(lastSeq)]);
    expect(atEnd.code, atEnd.stderr).toBe(0);
    expect(atEnd.stdout).toBe("");
  });

  it("input - a deadline needs a zone and stays within ten years; nothing is published otherwise", async () => {
    const g = ["--data", s.dataDir, "--server", s.url];
    const post = (ackBy: string) => runInProcess([...g, "notice", "post", "--as", "fed-ocam", "--to", "mechelen", "--title", "Zone check", "--body", "b", "--ack-by", ackBy]);
    const before = (await (await s.jsm()).streams.info(STREAMS.coord.name)).state.messages;
    const zoneless = await post("2026-12-31");
    expect([zoneless.code, zoneless.stderr]).toEqual([2, expect.stringContaining(`--ack-by "2026-12-31" has no time zone: add Z (UTC) or an offset, e.g. 2026-12-31T17:00Z or 2026-12-31T17:00+01:00`)]);
    expect((await post("2099-12-31T17:00")).stderr).toContain("has no time zone");
    const huge = await post("99999999d");
    expect([huge.code, huge.stderr]).toEqual([2, expect.stringContaining(`--ack-by "99999999d" is too long: at most 3650d (ten years)`)]);
    expect(huge.stderr).not.toMatch(/RangeError|\n\s+at /);
    expect((await post("9999-12-31T17:00Z")).stderr).toContain("too far ahead: at most 3650 days");
    expect((await (await s.jsm()).streams.info(STREAMS.coord.name)).state.messages).toBe(before);
    const zoned = await post(`${new Date().getUTCFullYear() + 1}-12-31T17:00+01:00`);
    expect(zoned.code, zoned.stderr).toBe(0);
  });

  it("safe text - a feed line shows escapes, bidi overrides and C0/C1 controls as visible escapes; JSON keeps the text", () => {
    const title = "Alert\u001b[2J\u001b]8;;http://x\u0007here\u202egnp.exe\u0085";
    const line = feedLine({ seq: 7, storedAt: "2026-12-06T10:00:00.000Z", subject: "coord.mechelen.fed-ocam.notice.posted", type: "notice.posted", sender: "fed-ocam", audience: "mechelen", data: { title, category: "information", noticeId: "n" } });
    expect(line).toContain(`"Alert\\x1b[2J\\x1b]8;;http://x\\x07here\\u202egnp.exe\\x85"`);
    expect(line).not.toMatch(/[\u001b\u0007\u202e\u0085]/);
    const json = safeJson({ title });
    expect(json).not.toMatch(/[\u001b\u0007\u202e\u0085]/);
    expect((JSON.parse(json) as { title: string }).title).toBe(title);
    expect(safeText("line one\nline two\u2066")).toBe("line one\\x0aline two\\u2066");
  });

  it("hints - every command `up` suggests runs as written: npx schakel …", () => {
    const summary = {
      ready: true, readyMs: 1, phasesMs: {}, url: "nats://127.0.0.1:1", pid: 1, natsPid: null, monitorUrl: null, dataDir: join(tmp, "x"), consoleUrl: null,
      consoleNote: "--no-console", resumed: false, streams: [], services: [], withoutService: [], logs: { server: null, services: "" }, demo: false, healthUrl: null,
    } as unknown as UpSummary;
    const tried = renderSummary(summary).split("\n").filter((l) => /^\s+(\S+ )?schakel /.test(l));
    expect(tried.length).toBeGreaterThanOrEqual(5);
    for (const line of tried) expect(line).toMatch(new RegExp(`^  npx schakel [a-z]+( [a-z]+)? --data ${join(tmp, "x")} `));
  });
});
