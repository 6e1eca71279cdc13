/**
 * The platform crashes while obligations are open: the bus runs under `schakel up --no-services`,
 * the level services run as their own processes through their entry points, and the Flemish
 * service is SIGKILLed after the notice's obligations are recorded. Restarted after the deadline,
 * it raises the escalation — once; SIGKILLed and restarted again afterwards, it does not raise it
 * a second time.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dataOf, eventually, killChildren, Observer, schakel, schakelJson, sleep, startServiceProcess, startUp, type Observed, type ServiceProcess, type UpProcess,
} from "../src/mod.ts";

let dataDir: string;
let up: UpProcess;
let observer: Observer;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "schakel-e2e-crash-"));
  up = await startUp(["--data", dataDir, "--port", "0", "--no-services", "--no-console"]);
  expect(up.summary.services).toEqual([]);
  observer = await Observer.start(dataDir, up.summary.url);
});
afterAll(async () => {
  await observer?.close();
  await Promise.allSettled(services.map((s) => s.stop()));
  if (up && (await up.interrupt()) !== 0) console.error(up.output());
  await killChildren();
  await rm(dataDir, { recursive: true, force: true });
});

const platform = () => startServiceProcess("flemish", { orgs: ["vpr"], dataDir, server: up.summary.url });

describe("e2e platform crash", () => {
  it("crash - a SIGKILLed platform restarted after the deadline escalates once, not twice", async () => {
    const started = await Promise.all([
      startServiceProcess("local", { orgs: ["antwerpen", "mechelen", "vilvoorde"], dataDir, server: up.summary.url }),
      startServiceProcess("federal", { orgs: ["fed-ocam"], dataDir, server: up.summary.url }),
      platform(),
    ]);
    services.push(...started);
    let flemish = started[2]!;

    const posted = await schakelJson<{ noticeId: string; ackBy: string }>([
      "notice", "post", "--data", dataDir, "--as", "fed-ocam", "--to", "antwerpen,mechelen,vilvoorde", "--category", "detainee-release",
      "--title", "Release of a detainee", "--body", "A detainee is released to the region next week; please align the follow-up.", "--ack-by", "40s",
    ]);
    const { noticeId } = posted;
    for (const org of ["antwerpen", "mechelen", "vilvoorde"]) {
      await observer.waitFor(`receipt of ${org}`, (o) => o.type === "notice.delivered" && dataOf(o).noticeId === noticeId && dataOf(o).recipient === org, 15_000);
    }
    const acks = await Promise.all(["antwerpen", "mechelen"].map((org) => schakel(["notice", "ack", noticeId, "--data", dataDir, "--as", org])));
    for (const a of acks) expect(a.code, a.stderr).toBe(0);

    // The platform has recorded the open obligation of vilvoorde (its read model says so)…
    await eventually("the platform's record of the acknowledgements", async () => {
      const s = await schakelJson<{ source: string; recipients: { org: string; state: string }[] }>(["notice", "status", noticeId, "--data", dataDir]);
      const state = Object.fromEntries(s.recipients.map((r) => [r.org, r.state]));
      return s.source === "platform" && state.antwerpen === "acknowledged" && state.mechelen === "acknowledged" && state.vilvoorde === "delivered";
    }, 35_000, 500);
    expect(Date.now()).toBeLessThan(Date.parse(posted.ackBy));

    // …and crashes before the deadline.
    await flemish.kill9();
    const isEscalation = (o: Observed) => o.type === "escalation.raised" && dataOf(o).obligation.reference === noticeId;
    await sleep(Math.max(0, Date.parse(posted.ackBy) - Date.now()) + 1_500);
    expect(observer.all(isEscalation)).toHaveLength(0); // nobody raised it while the platform was down

    flemish = await platform();
    services.push(flemish);
    const first = await observer.waitFor("escalation after the restart", isEscalation, 30_000);
    expect(dataOf(first).obligation.owedBy).toBe("vilvoorde");

    // A second crash and restart after the escalation does not raise it again.
    await sleep(1_000);
    await flemish.kill9();
    flemish = await platform();
    services.push(flemish);
    await sleep(4_000);
    const all = observer.all(isEscalation);
    expect(new Set(all.map((o) => dataOf(o).escalationId)).size).toBe(1);
    const audiences = all.map((o) => o.envelope.audience);
    expect(new Set(audiences).size).toBe(audiences.length);
    expect(audiences.sort()).toEqual(["fed-ocam", "vilvoorde"]);
    expect(all.every((o) => dataOf(o).obligation.owedBy === "vilvoorde")).toBe(true);
  });
});
