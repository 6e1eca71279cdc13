/**
 * The CLI while the bus is down: the nats-server stops under a following `schakel feed` and
 * while `schakel notice post` is started. Both say they cannot reach the bus and keep trying;
 * once the server is back the post goes through (stored exactly once, counted by envelope id in
 * COORD) and the follower prints everything published before and after the outage exactly once,
 * in stream order.
 */
import { STREAMS, sampleData } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { sleep, startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { afterAll, describe, expect, it } from "vitest";
import { startCli, type CliProcess } from "../src/cli-process.ts";
import { reportFigures } from "../src/figures.ts";

const OUTAGE_MS = 2_500;
let bus: SchakelServer | undefined;
const running: CliProcess[] = [];

afterAll(async () => {
  for (const p of running) p.kill();
  await bus?.cleanup();
});

type Line = { seq: number; id: string; type: string; data: { noticeId?: string } };
const feedLines = (p: CliProcess): Line[] => p.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);

/**
 * Publishes a notice to mechelen as OCAM; while the harness connection is still reconnecting the
 * same message is sent again, so it is stored once.
 */
async function notice(ocam: Bus): Promise<string> {
  const out = ocam.prepare("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
  const ack = await waitFor(() => ocam.send(out), { timeoutMs: 20_000, what: "a publish as fed-ocam" });
  return ack.id;
}

/** Envelope id → how many stored copies in COORD (a raw read by sequence as the admin). */
async function storedCopies(s: SchakelServer): Promise<Map<string, number>> {
  const jsm = await s.jsm();
  const { first_seq, last_seq } = (await jsm.streams.info(STREAMS.coord.name)).state;
  const copies = new Map<string, number>();
  for (let seq = first_seq; seq <= last_seq && last_seq > 0; seq++) {
    const m = await jsm.streams.getMessage(STREAMS.coord.name, { seq });
    const id = m?.header.get("Nats-Msg-Id");
    if (id) copies.set(id, (copies.get(id) ?? 0) + 1);
  }
  return copies;
}

describe("cli while the bus is down", () => {
  it("cli bus down - a post started during an outage is stored once after it; a follower resumes with no gap and no duplicate", async () => {
    bus = await startSchakelServer();
    const s = bus;
    const g = ["--data", s.dataDir, "--server", s.url, "--wait", "60s"];
    const ocam = await s.connectAs("fed-ocam");

    const follower = startCli([...g, "feed", "--as", "mechelen", "--follow", "--json", "--since", "now"]);
    running.push(follower);
    await follower.until((p) => /following the feed of mechelen/.test(p.stderr), "the follower to start");
    const before = [await notice(ocam), await notice(ocam)];
    await follower.until((p) => feedLines(p).length >= 2, "the follower to print the messages before the outage");

    await s.server.stop({ signal: "SIGTERM" });
    const stoppedAt = performance.now();
    const post = startCli([...g, "notice", "post", "--as", "fed-ocam", "--to", "mechelen", "--title", "Threat level during an outage", "--body", "Level 2 remains.", "--json"]);
    running.push(post);
    const cannotReach = `cannot reach the bus at ${s.url}`;
    await post.until((p) => p.stderr.includes(cannotReach) && /retrying/.test(p.stderr), "the post to say it cannot reach the bus");
    await follower.until((p) => p.stderr.includes(`lost the bus at ${s.url}`) && p.stderr.includes(cannotReach), "the follower to say it lost the bus");
    // The post's first attempt may come late on a busy machine: the outage lasts OUTAGE_MS from
    // then, long enough for it to try again (0.5 s, then 1 s, …).
    await sleep(OUTAGE_MS);
    await s.server.restart();
    const outage = (performance.now() - stoppedAt) / 1000;

    expect(await post.exited, post.stderr).toBe(0);
    const postedAfter = (performance.now() - stoppedAt) / 1000;
    const posted = JSON.parse(post.stdout) as { noticeId: string; copies: { id: string; audience: string }[] };
    expect(posted.copies).toHaveLength(1);
    const postedId = posted.copies[0]!.id;
    const retries = post.stderr.split("\n").filter((l) => l.startsWith(cannotReach) && l.includes("retrying")).length;
    const reached = /reached the bus at (\S+) after (\d+\.\d)s/.exec(post.stderr);
    expect(reached?.[1]).toBe(s.url);

    const after = [await notice(ocam), await notice(ocam)];
    const expected = [...before, postedId, ...after];
    await follower.until((p) => feedLines(p).length >= expected.length, "the follower to print every message", 60_000);
    await follower.until((p) => /following again from sequence \d+/.test(p.stderr), "the follower to say it follows again");
    await sleep(500); // a duplicate would show up here
    follower.interrupt();
    expect(await follower.exited, follower.stderr).toBe(0);

    const lines = feedLines(follower);
    const printed = lines.map((l) => l.id);
    const copies = await storedCopies(s);
    const duplicates = [...copies.values()].filter((n) => n > 1).length + (printed.length - new Set(printed).size);
    const missing = expected.filter((id) => !printed.includes(id)).length;
    reportFigures("cli-bus-down", {
      outage: `${outage.toFixed(1)}s`, retries, recovered_after: `${(Number(reached?.[2] ?? NaN)).toFixed(1)}s`, post_exit_after: `${postedAfter.toFixed(1)}s`,
      posted: posted.copies.length, stored: copies.get(postedId) ?? 0, duplicates, follow_lines: lines.length, missing,
    });

    expect(retries).toBeGreaterThanOrEqual(2);
    expect(copies.get(postedId)).toBe(1);
    expect(duplicates).toBe(0);
    expect(printed).toEqual(expected);
    expect(lines.find((l) => l.id === postedId)?.data.noticeId).toBe(posted.noticeId);
    expect(lines.map((l) => l.seq)).toEqual([...lines.map((l) => l.seq)].sort((a, b) => a - b));
    expect(follower.stderr).toMatch(new RegExp(`last sequence ${lines.at(-1)!.seq}; resume with`));
  });
});
