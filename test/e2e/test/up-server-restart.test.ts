/**
 * `schakel up` keeps the bus up when its nats-server dies: the server is SIGKILLed, `up` says so,
 * starts it again on the same port with the same store, and goes on. What was stored before the
 * kill is still there; a notice posted afterwards is delivered, acknowledged and audited, so the
 * services, the consumer gate and the auditor reconnected; connection.json names the new server.
 * Ctrl-C still exits 0. A server that keeps dying is given up on: `up` exits 1 with its last lines.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  alive, dataOf, eventually, exited, feedItems, killChildren, schakel, schakelJson, startRunningBus, startUp, stopRunningBus, type Observed,
  type RunningBus,
} from "../src/mod.ts";

let bus: Partial<RunningBus> = {};
const natsPids = new Set<number>();
const otherDirs: string[] = [];

beforeAll(async () => {
  bus = await startRunningBus("server-restart", []);
});
afterAll(async () => {
  await stopRunningBus(bus);
  await killChildren();
  for (const pid of natsPids) if (alive(pid)) process.kill(pid, "SIGKILL");
  for (const dir of otherDirs) await rm(dir, { recursive: true, force: true });
});

const connectionOf = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, "connection.json"), "utf8")) as { natsPid: number; monitorUrl: string };
const natsPidOf = (dataDir: string): number => connectionOf(dataDir).natsPid;

interface Status {
  source: "platform" | "record";
  recipients: { org: string; deliveredAt: string | null; acknowledgedAt: string | null; state: string }[];
}

const status = (dataDir: string, noticeId: string) => schakelJson<Status>(["notice", "status", noticeId, "--data", dataDir]);

async function postNotice(dataDir: string, title: string): Promise<string> {
  const posted = await schakelJson<{ noticeId: string }>([
    "notice", "post", "--data", dataDir, "--as", "fed-ocam", "--to", "mechelen,vilvoorde", "--category", "threat-assessment",
    "--title", title, "--body", "Level 2 remains until further notice.", "--ack-by", "1h",
  ]);
  return posted.noticeId;
}

async function acknowledge(dataDir: string, noticeId: string, org: string): Promise<void> {
  const ack = await schakel(["notice", "ack", noticeId, "--data", dataDir, "--as", org, "--remark", "Taken up in the LIVC"]);
  expect(ack.code, ack.stderr).toBe(0);
}

/** The (stream, sequence) pairs the auditor has chained so far. */
function audited(dataDir: string): Set<string> {
  const lines = readFileSync(join(dataDir, "audit", "chain.jsonl"), "utf8").split("\n").filter(Boolean);
  return new Set(lines.map((l) => JSON.parse(l) as { stream: string; seq: number }).map((r) => `${r.stream}:${r.seq}`));
}

describe("e2e up server restart", () => {
  it("up - a SIGKILLed nats-server is restarted on the same port with the same store, and the bus works again", async () => {
    const { dataDir, up, observer } = bus as RunningBus;
    const url = up.summary.url;
    const about = (type: string, noticeId: string, org: string) => (o: Observed) =>
      o.type === type && dataOf(o).noticeId === noticeId && dataOf(o).recipient === org;

    // Before the kill: delivered to both municipalities, acknowledged by one, all stored.
    const before = await postNotice(dataDir, "Threat level before the crash");
    for (const org of ["mechelen", "vilvoorde"]) await observer.waitFor(`receipt of ${org}`, about("notice.delivered", before, org));
    await acknowledge(dataDir, before, "mechelen");
    await observer.waitFor("the acknowledgement of mechelen", about("notice.acknowledged", before, "mechelen"));
    // Recorded by the platform before the kill (it handles the stored acknowledgement on its own time).
    await eventually(`the platform's record of mechelen's acknowledgement of ${before}`, async () =>
      (await status(dataDir, before)).recipients.find((r) => r.org === "mechelen")?.state === "acknowledged");

    const { monitorUrl } = connectionOf(dataDir);
    const killed = natsPidOf(dataDir);
    expect(killed).toBe(up.summary.natsPid);
    natsPids.add(killed);
    process.kill(killed, "SIGKILL");

    const port = new URL(url).port;
    await eventually("the restart lines", async () => /nats-server is back on/.test(up.output()), 20_000, 100);
    const out = up.output();
    expect(out).toMatch(new RegExp(`the embedded nats-server stopped \\(SIGKILL\\); restarting it on nats://127\\.0\\.0\\.1:${port} with the same store \\(restart 1 of 5 in 60 s\\)`));
    expect(out).toMatch(new RegExp(`nats-server is back on nats://127\\.0\\.0\\.1:${port} after \\d+\\.\\ds`));
    console.info(`restart: ${out.match(/nats-server is back on .*/)![0]}`);
    expect(up.child.exitCode).toBeNull();
    expect(up.child.signalCode).toBeNull();
    expect(alive(killed)).toBe(false);

    const restarted = await eventually("a new natsPid in connection.json", async () => {
      const pid = natsPidOf(dataDir);
      return pid !== killed && pid;
    });
    natsPids.add(restarted);
    expect(alive(restarted)).toBe(true);
    expect(connectionOf(dataDir).monitorUrl).toBe(monitorUrl); // the monitoring port is kept too
    expect((await fetch(new URL("varz", monitorUrl))).status).toBe(200);

    // Acknowledged before the kill: still recorded after it.
    const kept = await status(dataDir, before);
    expect(kept.recipients.find((r) => r.org === "mechelen")).toMatchObject({ state: "acknowledged" });

    // After the restart: delivered by both municipal services, acknowledged, in the platform's read model.
    const after = await postNotice(dataDir, "Threat level after the crash");
    await eventually(`delivery of ${after}`, async () => {
      const s = await status(dataDir, after);
      return s.source === "platform" && s.recipients.length === 2 && s.recipients.every((r) => r.deliveredAt !== null);
    });
    await acknowledge(dataDir, after, "vilvoorde");
    await eventually(`the acknowledgement of ${after}`, async () =>
      (await status(dataDir, after)).recipients.find((r) => r.org === "vilvoorde")?.state === "acknowledged");

    // Both notices in the stream, read through a feed (its consumer is created through the consumer gate).
    const items = await feedItems(dataDir, "vilvoorde", ["--type", "notice.posted"]);
    expect(items.map((i) => i.data?.noticeId)).toEqual(expect.arrayContaining([before, after]));
    const copy = items.find((i) => i.data?.noticeId === after)!;
    const first = items.find((i) => i.data?.noticeId === before)!;
    await eventually("the auditor to chain the notice posted after the restart", async () => audited(dataDir).has(`COORD:${copy.seq}`));
    expect(audited(dataDir).has(`COORD:${first.seq}`)).toBe(true);

    expect(await up.interrupt()).toBe(0);
    expect(alive(restarted)).toBe(false);
    expect(up.output()).not.toMatch(/restart 2 of 5/);
  });

  it("up - a server that dies more than 5 times within 60 s is given up: exit 1 with its last lines", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "schakel-e2e-server-dies-"));
    otherDirs.push(dataDir);
    const up = await startUp(["--data", dataDir, "--port", "0", "--no-services", "--no-console"]);
    let pid = up.summary.natsPid!;
    for (let restart = 1; restart <= 5; restart++) {
      natsPids.add(pid);
      process.kill(pid, "SIGKILL");
      const dead = pid;
      pid = await eventually(`restart ${restart}`, async () => {
        const next = natsPidOf(dataDir);
        return next !== dead && new RegExp(`restart ${restart} of 5`).test(up.output()) && next;
      }, 20_000, 100);
    }
    natsPids.add(pid);
    process.kill(pid, "SIGKILL");
    const { code } = await exited(up.child);
    expect(code).toBe(1);
    const out = up.output();
    expect(out).toMatch(/nats-server exited unexpectedly \(SIGKILL\), 6 times within 60 s; not restarting it again; its last lines:/);
    expect(out).toMatch(/\[INF\] Server is ready/);
    expect(out).not.toMatch(/restart 6 of 5/);
    expect(alive(pid)).toBe(false);
  });
});
