/**
 * `schakel trace` and `schakel replay` against a real secured bus with the platform's trace
 * indexer running: a notice to mechelen and vilvoorde, mechelen's receipt and acknowledgement,
 * vilvoorde silent, the platform's escalation — each sent by that organisation's own connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newMessageId, sampleData, STREAMS, traceIdOf, type Envelope } from "@schakel/contracts";
import { startFlowSpan, type Published } from "@schakel/contracts/bus";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { startTraceIndexer, visibleWidth, type TraceIndexer } from "@schakel/tracing";
import { runBinary, runInProcess, type CliResult } from "./support/run-cli.ts";

const dec = new TextDecoder();
const now = () => new Date().toISOString();

async function noticeFlow(s: SchakelServer): Promise<{ traceId: string; noticeId: string; published: Published[] }> {
  const [ocam, mechelen, vpr] = await Promise.all(["fed-ocam", "mechelen", "vpr"].map((o) => s.connectAs(o)));
  const data = { ...sampleData("notice.posted"), recipients: ["mechelen", "vilvoorde"], ackBy: new Date(Date.now() + 60_000).toISOString() };
  const flow = startFlowSpan("post notice");
  const copies = [];
  for (const to of ["mechelen", "vilvoorde"]) copies.push(await ocam!.publish("notice.posted", data, { to, correlationId: data.noticeId, trace: flow.wire }));
  flow.end();
  const [toMechelen, toVilvoorde] = copies as [Published, Published];
  const posted = toMechelen.envelope;
  const delivered = await mechelen!.publish("notice.delivered", { noticeId: data.noticeId, recipient: "mechelen", deliveredAt: now() }, { to: "fed-ocam", inReplyTo: posted });
  const acked = await mechelen!.publish("notice.acknowledged", { noticeId: data.noticeId, recipient: "mechelen", acknowledgedAt: now() }, { to: "fed-ocam", inReplyTo: posted });
  const escalated = await vpr!.publish("escalation.raised", {
    escalationId: newMessageId(), missedAt: now(), summary: "vilvoorde did not acknowledge the notice in time",
    obligation: { kind: "acknowledgement", reference: data.noticeId, sourceMessageId: toVilvoorde.id, owedBy: "vilvoorde", owedTo: "fed-ocam", deadline: data.ackBy },
  }, { to: "fed-ocam", inReplyTo: toVilvoorde.envelope as Envelope });
  return { traceId: traceIdOf(posted.traceparent), noticeId: data.noticeId, published: [toMechelen, toVilvoorde, delivered, acked, escalated] };
}

async function coordState(s: SchakelServer) {
  const info = await (await s.jsm()).streams.info(STREAMS.coord.name);
  return { messages: info.state.messages, lastSeq: info.state.last_seq };
}

describe("schakel trace and replay", () => {
  let s: SchakelServer;
  let indexer: TraceIndexer;
  let flow: Awaited<ReturnType<typeof noticeFlow>>;
  let tmp: string;
  const cli = (...args: string[]): Promise<CliResult> => runInProcess(["--data", s.dataDir, "--server", s.url, ...args]);

  beforeAll(async () => {
    s = await startSchakelServer();
    indexer = await startTraceIndexer(await s.connectAs("vpr"));
    flow = await noticeFlow(s);
    tmp = await mkdtemp(join(tmpdir(), "schakel-replay-"));
  });
  afterAll(async () => {
    await indexer?.stop();
    await s?.cleanup();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("trace - the flow in three level lanes, every message, the missing acknowledgement and the escalation, within 80 columns", async () => {
    const r = await cli("trace", flow.noticeId);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const lines = r.stdout.replace(/\x1b\[[0-9;]*m/g, "").trimEnd().split("\n");
    expect(Math.max(...r.stdout.trimEnd().split("\n").map(visibleWidth))).toBeLessThanOrEqual(80);
    expect(lines[0]).toBe(`trace ${flow.traceId} (found by notice id)`);
    expect(lines.find((l) => l.includes("offset"))).toMatch(/local\s+flemish\s+federal\s+message/);
    const rows = lines.filter((l) => /^\s*\d+\s+\+\d/.test(l));
    expect(rows.map((l) => /(notice\.\w+|escalation\.raised)/.exec(l)?.[1])).toEqual(["notice.posted", "notice.posted", "notice.delivered", "notice.acknowledged", "escalation.raised"]);
    expect(rows[0]).toMatch(/mechelen◀─+ fed-ocam/);
    expect(rows[1]).toMatch(/vilvoorde◀─+ fed-ocam/);
    expect(rows[3]).toMatch(/mechelen ─+▶fed-ocam notice\.acknowledged ↳1/);
    expect(rows[4]).toMatch(/vpr ─+▶fed-ocam escalation\.raised ↳2/);
    // Colour codes (on when CI is set, as picocolors does) are stripped before matching text.
    const text = lines.join("\n");
    expect(text).toMatch(/mechelen\s+delivered \+[\d.]+ m?s\s+acknowledged \+[\d.]+ m?s \(#4\)/);
    expect(text).toMatch(/vilvoorde\s+not delivered\s+\S*MISSING, escalated \(#5\)/);
    expect(lines.at(-1)).toMatch(/#5 vpr → fed-ocam: acknowledgement owed by vilvoorde, due \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  });

  it("trace --json - lists exactly the stored messages of the trace, and the flow's obligations", async () => {
    const r = await cli("trace", flow.traceId, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { traceId: string; via: string; messages: { stream: string; seq: number; subject: string; envelope: unknown; headers: Record<string, string> }[]; flow: { obligations: { owedBy: string; state: string; escalated?: number }[] } };
    expect(out).toMatchObject({ traceId: flow.traceId, via: "trace" });
    expect(out.messages.map((m) => [m.stream, m.seq])).toEqual(flow.published.map((p) => [p.stream, p.seq]));
    const jsm = await s.jsm();
    for (const m of out.messages) {
      const stored = (await jsm.streams.getMessage(m.stream, { seq: m.seq }))!;
      expect(m.subject).toBe(stored.subject);
      expect(m.envelope).toEqual(JSON.parse(dec.decode(stored.data)));
      expect(m.headers["Schakel-Signature"]).toBe(stored.header.get("Schakel-Signature"));
    }
    expect(out.flow.obligations.map((o) => [o.owedBy, o.state, o.escalated !== undefined])).toEqual([["mechelen", "acknowledged", false], ["vilvoorde", "pending", true]]);
  });

  it("replay - a trace into a sandbox and into a handler module, in order; the live stream is unchanged", async () => {
    const before = await coordState(s);
    const r = await cli("replay", "--trace", flow.traceId, "--into", "sandbox", "--json");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { replayed: number; messages: { copy: { stream: string; seq: number } }[] };
    expect(result.replayed).toBe(5);
    const jsm = await s.jsm();
    const copies = await Promise.all(result.messages.map((m) => jsm.streams.getMessage(m.copy.stream, { seq: m.copy.seq })));
    expect(copies.map((c) => c!.subject)).toEqual(flow.published.map((p) => `sandbox.sandbox.${p.subject}`));
    expect(copies.map((c) => JSON.parse(dec.decode(c!.data)).id)).toEqual(flow.published.map((p) => p.id));

    const out = join(tmp, "handled.txt");
    process.env.REPLAY_OUT = out;
    const h = await cli("replay", "--trace", flow.noticeId, "--handler", fileURLToPath(new URL("./fixtures/replay-handler.ts", import.meta.url)));
    delete process.env.REPLAY_OUT;
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("into the handler: 5 handled, 0 without a handler, 0 refused, 0 failed");
    expect(h.stdout).toContain(`answer not sent: coordination.requested → mechelen (to ${flow.published[3]!.id})`);
    expect((await readFile(out, "utf8")).trim().split("\n")).toEqual(flow.published.map((p) => `${p.id} ${p.envelope.type} handler`));
    expect(await coordState(s)).toEqual(before);
  });

  it("replay - a .ts handler outside any package loads (real binary), handler.js beside it is that file, and replay show lists each run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "schakel-handler-"));
    const out = join(dir, "seen.txt");
    await writeFile(join(dir, "handler.ts"), `import { appendFileSync } from "node:fs";
type Delivery = { type: string; envelope: { id: string } };
const seen = (d: Delivery): void => appendFileSync(${JSON.stringify(out)}, \`ts \${d.type}\\n\`);
export const handlers = { "notice.posted": seen, "notice.acknowledged": seen };
`);
    await writeFile(join(dir, "handler.js"), `export const handlers = { "notice.delivered": async () => {} };\n`);
    const g = ["--data", s.dataDir, "--server", s.url];
    const ts = await runBinary([...g, "replay", "--trace", flow.traceId, "--handler", join(dir, "handler.ts"), "--json"]);
    expect(ts.code, ts.stderr).toBe(0);
    const tsRun = JSON.parse(ts.stdout) as { runId: string; outcomes: Record<string, number> };
    expect(tsRun.outcomes).toEqual({ handled: 3, ignored: 2, refused: 0, failed: 0 });
    expect((await readFile(out, "utf8")).trim().split("\n")).toEqual(["ts notice.posted", "ts notice.posted", "ts notice.acknowledged"]);
    const js = await runBinary([...g, "replay", "--trace", flow.traceId, "--handler", join(dir, "handler.js"), "--json"]);
    expect(js.code, js.stderr).toBe(0);
    expect((JSON.parse(js.stdout) as { outcomes: Record<string, number> }).outcomes).toEqual({ handled: 1, ignored: 4, refused: 0, failed: 0 });

    const shown = await cli("replay", "show", tsRun.runId, "--json");
    expect(shown.code, shown.stderr).toBe(0);
    const copies = (JSON.parse(shown.stdout) as { copies: { type: string; outcome: string }[] }).copies;
    expect(copies.map((c) => [c.type, c.outcome])).toEqual([["notice.posted", "handled"], ["notice.posted", "handled"], ["notice.delivered", "ignored"], ["notice.acknowledged", "handled"], ["escalation.raised", "ignored"]]);

    const sandbox = await cli("replay", "--trace", flow.traceId, "--into", "shown", "--json");
    const sandboxRun = JSON.parse(sandbox.stdout) as { runId: string; messages: { copy: { seq: number } }[] };
    const human = await cli("replay", "show", sandboxRun.runId);
    expect(human.code, human.stderr).toBe(0);
    const lines = human.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^replay ${sandboxRun.runId} at .*: 5 message\\(s\\) of trace ${flow.traceId} into sandbox shown`));
    expect(lines.slice(1)).toEqual(flow.published.map((p, i) => expect.stringContaining(`#${sandboxRun.messages[i]!.copy.seq} ${p.envelope.type} sandbox.shown.${p.subject} from COORD#${p.seq}`)));
    const asJson = JSON.parse((await cli("replay", "show", sandboxRun.runId, "--json")).stdout) as { copies: { copy: { stored: boolean } }[] };
    expect(asJson.copies.map((c) => c.copy.stored)).toEqual([true, true, true, true, true]);
    const unknown = await cli("replay", "show", "0190aaaa-0000-7000-8000-000000000000");
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining("no replay run 0190aaaa-0000-7000-8000-000000000000 is recorded")]);
    await rm(dir, { recursive: true, force: true });
  });

  it("trace and replay - bad input exits 2 naming the problem, and so does an unknown trace (not found)", async () => {
    const bad = await cli("trace", "not-an-id");
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("neither a trace id")]);
    const unknown = await cli("trace", "0123456789abcdef0123456789abcdef", "--wait", "0");
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining("no trace, message or notice")]);
    const noTarget = await cli("replay", "--trace", flow.traceId);
    expect([noTarget.code, noTarget.stderr]).toEqual([2, expect.stringContaining("--into NAME")]);
    const pace = await cli("replay", "--since", "10m", "--into", "x1", "--pace", "fast");
    expect([pace.code, pace.stderr]).toEqual([2, expect.stringContaining(`--pace "fast"`)]);
    const window = await cli("replay", "--trace", flow.traceId, "--from", "mechelen", "--into", "x1");
    expect([window.code, window.stderr]).toEqual([2, expect.stringContaining("--from select a window")]);
  });
});
