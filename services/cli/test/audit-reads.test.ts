/**
 * The read audit from the command line, against a real secured bus: `schakel trace` and
 * `schakel feed` record the views of a notice about a case before showing them (no sign-in: as an
 * operator), the auditor chains them, `schakel audit reads --case/--person` answers from the chain
 * file, and a changed read record makes both `audit reads` and `audit verify` fail.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleData, traceIdOf } from "@schakel/contracts";
import { startAuditor, type Auditor } from "@schakel/audit";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { startTraceIndexer, type TraceIndexer } from "@schakel/tracing";
import { runInProcess, type CliResult } from "./support/run-cli.ts";

const CASE = "LIVC-MECH-2026-0077";

describe("schakel audit reads", () => {
  let s: SchakelServer;
  let indexer: TraceIndexer;
  let auditor: Auditor;
  let noticeId: string;
  let posted: string;
  const cli = (...args: string[]): Promise<CliResult> => runInProcess(["--data", s.dataDir, "--server", s.url, ...args]);

  beforeAll(async () => {
    s = await startSchakelServer();
    indexer = await startTraceIndexer(await s.connectAs("vpr"));
    const data = { ...sampleData("notice.posted"), recipients: ["mechelen"], caseRef: CASE };
    const ack = await (await s.connectAs("fed-ocam")).publish("notice.posted", data, { to: "mechelen" });
    noticeId = data.noticeId;
    posted = ack.id;
    expect((await cli("trace", traceIdOf(ack.envelope.traceparent))).code).toBe(0);
    expect((await cli("feed", "--as", "mechelen")).code).toBe(0);
    // A message without a case reference is shown without a read record.
    await (await s.connectAs("vvsg")).publish("knowledge.shared", sampleData("knowledge.shared"), { to: "all" });
    expect((await cli("feed", "--as", "antwerpen")).code).toBe(0);
    auditor = await startAuditor({ servers: s.url, seed: s.identities.audit.seed, dataDir: s.dataDir });
    await auditor.caughtUp();
  });
  afterAll(async () => {
    await auditor?.stop().catch(() => {});
    await indexer?.stop();
    await s?.cleanup();
  });

  it("audit reads - the trace and the feed view of a notice about a case, who and through what", async () => {
    const r = await cli("audit", "reads", "--case", CASE, "--json");
    expect(r.code, r.stderr).toBe(0);
    const reads = JSON.parse(r.stdout) as { read: Record<string, unknown> }[];
    expect(reads.map((x) => x.read)).toEqual([
      expect.objectContaining({ organisation: "vpr", role: "operator", interface: "cli", kind: "trace", purpose: "schakel trace", caseRef: CASE }),
      expect.objectContaining({ organisation: "mechelen", role: "operator", interface: "cli", kind: "notice", purpose: "schakel feed", caseRef: CASE, messageIds: [posted] }),
    ]);
    expect(reads[0]!.read.person).toBeUndefined();
    expect(reads[0]!.read.messageIds).toContain(posted);
    expect(noticeId).not.toBe(posted);
    const human = await cli("audit", "reads", "--case", CASE);
    expect(human.stdout).toMatch(/an operator \(no sign-in\) of mechelen via cli: notice about LIVC-MECH-2026-0077, 1 message\(s\) — schakel feed/);
  });

  it("audit reads - by person, since, and refusals of bad input", async () => {
    expect(JSON.parse((await cli("audit", "reads", "--person", "m.peeters", "--json")).stdout)).toEqual([]);
    expect(JSON.parse((await cli("audit", "reads", "--case", CASE, "--since", "1h", "--json")).stdout)).toHaveLength(2);
    expect(JSON.parse((await cli("audit", "reads", "--case", CASE, "--since", new Date(Date.now() + 60_000).toISOString(), "--json")).stdout)).toEqual([]);
    expect((await cli("audit", "reads")).code).toBe(2);
    expect((await cli("audit", "reads", "--case", "Jan Peeters")).code).toBe(2);
  });

  it("audit reads - a changed read record: verify names it, reads answers nothing", async () => {
    const lines = (await readFile(auditor.logPath, "utf8")).trimEnd().split("\n");
    const at = lines.findIndex((l) => l.includes('"schakel feed"'));
    const copy = join(s.dataDir, "changed-chain.jsonl");
    await writeFile(copy, lines.map((l, k) => (k === at ? l.replace('"organisation":"mechelen"', '"organisation":"antwerpen"') : l)).join("\n") + "\n");
    const verify = await cli("audit", "verify", copy, "--json");
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout).problem).toMatchObject({ kind: "changed", line: at + 1 });
    const reads = await cli("audit", "reads", "--case", CASE, "--file", copy);
    expect(reads.code).toBe(1);
    expect(reads.stderr).toMatch(/does not verify/);
  });
});
