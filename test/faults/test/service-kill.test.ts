/**
 * Each level service killed with SIGKILL in the middle of a batch, twice, and started again.
 * Every input must get its answer, and each answer must be stored exactly once, however often
 * the service crashed between doing its work and acknowledging the input:
 * - local (Mechelen): a federal notice → a delivery receipt to the sender;
 * - flemish (the platform, vpr): a notice nobody acknowledged by its deadline → one `escalation.raised`
 *   to its sender (the deadline watcher's decide → publish → record steps, cut at any point);
 * - federal (OCAM, auto-answer policy): a municipality's coordination request → its answer.
 */
import { jetstream } from "@nats-io/jetstream";
import { messageSubject, sampleData, STREAMS } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { afterEach, describe, expect, it } from "vitest";
import { reportFigures, secondsSince } from "../src/figures.ts";
import { serviceProcess, type ServiceProcess } from "../src/service-process.ts";

const INPUTS = 200;
/**
 * The consumers' ack_wait: what a killed service had taken and not acknowledged comes back after
 * it. Deployed at 30 s; shortened so each kill costs seconds, not half a minute (the guarantee
 * proven is the same: every input answered, each answer stored once).
 */
const ACK_WAIT_MS = 2_000;

interface LevelCase {
  level: string;
  org: string;
  args?: string[];
  sender: string;
  /** Publishes input `i` and returns the key its answer carries. */
  send(bus: Bus): Promise<string>;
  /** Subject of the answers, and the key of one answer's body. */
  answers: string;
  keyOf(data: Record<string, unknown>): string;
}

const CASES: LevelCase[] = [
  {
    level: "local", org: "mechelen", sender: "fed-ocam", answers: messageSubject("notice.delivered", "fed-ocam", "mechelen"),
    async send(bus) {
      const data = { ...sampleData("notice.posted"), recipients: ["mechelen"], ackRequired: false };
      await bus.publish("notice.posted", data, { to: "mechelen" });
      return data.noticeId;
    },
    keyOf: (d) => String(d["noticeId"]),
  },
  {
    // mechelen's service is not running: every acknowledgement obligation is missed a moment later.
    level: "flemish", org: "vpr", sender: "fed-ocam", answers: messageSubject("escalation.raised", "fed-ocam", "vpr"),
    async send(bus) {
      const data = { ...sampleData("notice.posted"), recipients: ["mechelen"], ackRequired: true, ackBy: new Date(Date.now() + 1_000).toISOString() };
      await bus.publish("notice.posted", data, { to: "mechelen" });
      return data.noticeId;
    },
    keyOf: (d) => String((d["obligation"] as { reference: string }).reference),
  },
  {
    level: "federal", org: "fed-ocam", args: ["--auto-answer"], sender: "mechelen", answers: messageSubject("coordination.responded", "mechelen", "fed-ocam"),
    async send(bus) {
      const data = { ...sampleData("coordination.requested"), ask: "align" as const };
      await bus.publish("coordination.requested", data, { to: "fed-ocam" });
      return data.requestId;
    },
    keyOf: (d) => String(d["requestId"]),
  },
];

let s: SchakelServer | undefined;
let service: ServiceProcess | undefined;
afterEach(async () => {
  await service?.kill9();
  await s?.cleanup();
});

describe("service kill", () => {
  it.each(CASES)("service kill - the $level service killed with SIGKILL mid-batch twice: every input answered, each answer stored once", async (c) => {
    const started = performance.now();
    s = await startSchakelServer({ ackWaitMs: ACK_WAIT_MS });
    const server = s;
    const jsm = await server.jsm();
    const countAnswers = async (): Promise<number> =>
      Object.values((await jsm.streams.info(STREAMS.coord.name, { subjects_filter: c.answers })).state.subjects ?? {}).reduce((a, b) => a + b, 0);

    service = serviceProcess(c.level, c.org, server.dataDir, server.url, c.args);
    const svc = service;
    await svc.start();
    const sender = await server.connectAs(c.sender);
    const keys: string[] = [];
    for (let i = 0; i < INPUTS; i++) keys.push(await c.send(sender));

    /** Waits for `n` answers; a timeout quotes the service's last log lines. */
    const answered = (n: number, timeoutMs: number, intervalMs: number, what: string): Promise<unknown> =>
      waitFor(async () => (await countAnswers()) >= n, { timeoutMs, intervalMs, what }).catch((err: unknown) => {
        throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- ${c.level} service output ---\n${svc.output()}`, { cause: err });
      });

    // Kill while the service works through the batch: at a third and at two thirds of its answers.
    let kills = 0;
    for (const at of [Math.ceil(INPUTS / 3), Math.ceil((2 * INPUTS) / 3)]) {
      await answered(at, 60_000, 20, `${at} answers from the ${c.level} service`);
      await svc.kill9();
      kills++;
      await svc.start();
    }
    await answered(INPUTS, 90_000, 100, `an answer to each of ${INPUTS} inputs`);

    // Read every stored answer: one per input, none twice.
    const perKey = new Map<string, number>();
    const total = await countAnswers();
    const reader = await jetstream(await server.admin()).consumers.get(STREAMS.coord.name, { filter_subjects: c.answers });
    const messages = await reader.consume();
    let seen = 0;
    for await (const m of messages) {
      const key = c.keyOf((m.json() as { data: Record<string, unknown> }).data);
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
      if (++seen >= total) break;
    }
    messages.stop();

    const lost = keys.filter((k) => !perKey.has(k)).length;
    const duplicates = [...perKey.values()].filter((n) => n > 1).length;
    reportFigures(`service-kill-${c.level}`, { inputs: INPUTS, kills, answers: total, lost, duplicates, ack_wait: `${ACK_WAIT_MS / 1000}s`, time: secondsSince(started) });
    expect(kills).toBe(2);
    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    expect(total).toBe(INPUTS);
  });
});
