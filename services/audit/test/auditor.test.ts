/**
 * The auditor against a real, secured bus: every message stored in COORD, CASE and DEADLETTER gets
 * exactly one chained record (digest of the stored headers and body), checkpoints land in the
 * `audit` bucket, a restart resumes without gaps or repeats, and a copied log that was changed,
 * cut or reordered is caught with the first bad record named.
 */
import { copyFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstream } from "@nats-io/jetstream";
import { AUDIT_ID, sampleData, STREAMS } from "@schakel/contracts";
import { OperatorConnection, seal } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { AuditRecord, messageDigest, openCheckpoints, readCheckpoints, startAuditor, verifyAuditLog, type Auditor } from "../src/mod.ts";

const lines = async (p: string) => (await readFile(p, "utf8")).trimEnd().split("\n");
const stored = async (s: SchakelServer) => {
  const jsm = await s.jsm();
  let n = 0;
  for (const st of [STREAMS.coord.name, STREAMS.case.name, STREAMS.deadletter.name]) n += (await jsm.streams.info(st)).state.messages;
  return n;
};

describe("audit - the chain over every stored message", () => {
  let s: SchakelServer;
  let auditor: Auditor | undefined;
  let audit: OperatorConnection;

  async function traffic(n: number): Promise<void> {
    const ocam = await s.connectAs("fed-ocam");
    const antwerpen = await s.connectAs("antwerpen");
    for (let i = 0; i < n; i++) await ocam.publish("notice.posted", sampleData("notice.posted"), { to: i % 2 ? "mechelen" : "local" });
    const jsm = await s.jsm();
    const filed = (await jsm.streams.info(STREAMS.deadletter.name)).state.messages;
    const sealed = seal({ question: "Known to your service?" }, [{ org: "mechelen", key: s.directory.sealingKeyOf("mechelen") }]);
    await antwerpen.publish("case.consultation.requested", sampleData("case.consultation.requested", sealed), { to: "mechelen" });
    // A dead letter, filed by a receiver that refuses an unsigned message.
    await jetstream(await s.admin()).publish("coord.mechelen.fed-ocam.notice.posted", JSON.stringify({ not: "an envelope" }));
    const receiver = await s.connectAs("mechelen");
    const c = receiver.consume({ handlers: {}, consumers: [{ stream: STREAMS.coord.name, name: "mechelen--mechelen", filter: "coord.mechelen.>" }] });
    // Until the receiver has filed it: its inbox being empty is not enough, the filing may still be under way.
    await waitFor(async () => (await jsm.streams.info(STREAMS.deadletter.name)).state.messages > filed, { timeoutMs: 20_000, what: "the dead letter filed by mechelen" });
    await c.stop();
  }

  beforeAll(async () => {
    s = await startSchakelServer();
    audit = await OperatorConnection.connect({ servers: s.url, as: AUDIT_ID, seed: s.identities.audit.seed });
  });
  afterAll(async () => {
    await auditor?.stop().catch(() => {});
    await audit?.close();
    await s?.cleanup();
  });

  const start = () => startAuditor({ servers: s.url, seed: s.identities.audit.seed, dataDir: s.dataDir, checkpointEvery: 10 });

  it("audit - every message of COORD, CASE and DEADLETTER is chained once, with the digest of what the stream holds", async () => {
    await traffic(20);
    auditor = await start();
    await auditor.caughtUp();
    const total = await stored(s);
    expect(auditor.head().records).toBe(total);
    const records = (await lines(auditor.logPath)).map((l) => AuditRecord.parse(JSON.parse(l)));
    expect(new Set(records.map((r) => r.stream))).toEqual(new Set([STREAMS.coord.name, STREAMS.case.name, STREAMS.deadletter.name]));
    expect(new Set(records.map((r) => `${r.stream}#${r.seq}`)).size).toBe(total);
    for (const r of records.filter((_, k) => k % 7 === 0)) {
      const m = await (await s.jsm()).streams.getMessage(r.stream, { seq: r.seq });
      expect(messageDigest(m!.header, m!.data)).toBe(r.digest);
    }
    expect((await verifyAuditLog(auditor.logPath)).ok).toBe(true);
  });

  it("audit - checkpoints in the audit bucket anchor the chain; a restart resumes without gaps or repeats", async () => {
    await auditor!.stop();
    const checkpoints = await readCheckpoints(await openCheckpoints(audit));
    const last = (await lines(auditor!.logPath)).map((l) => AuditRecord.parse(JSON.parse(l))).at(-1)!;
    expect(checkpoints.at(-1)).toMatchObject({ i: last.i, hash: last.hash });
    expect(checkpoints.length).toBeGreaterThanOrEqual(1);

    await traffic(5);
    auditor = await start();
    await auditor.caughtUp();
    await auditor.stop();
    const records = (await lines(auditor.logPath)).map((l) => AuditRecord.parse(JSON.parse(l)));
    expect(records.map((r) => r.i)).toEqual(records.map((_, k) => k));
    expect(records.length).toBe(await stored(s));
    expect(new Set(records.map((r) => `${r.stream}#${r.seq}`)).size).toBe(records.length);
    const result = await verifyAuditLog(auditor.logPath, { checkpoints: await readCheckpoints(await openCheckpoints(audit)) });
    expect(result).toMatchObject({ ok: true, records: records.length });
  });

  it("audit - a copied log with a flipped byte, a removed record or a swapped pair names the first bad record", async () => {
    const original = await lines(auditor!.logPath);
    const copy = path.join(s.dataDir, "copy.jsonl");
    const write = (ls: string[]) => writeFile(copy, ls.join("\n") + "\n");

    await copyFile(auditor!.logPath, copy);
    expect(await verifyAuditLog(copy)).toMatchObject({ ok: true, records: original.length });

    const flipped = [...original];
    const target = flipped[7]!;
    const at = target.indexOf('"digest":"') + 12;
    flipped[7] = target.slice(0, at) + (target[at] === "a" ? "b" : "a") + target.slice(at + 1);
    await write(flipped);
    expect(await verifyAuditLog(copy)).toMatchObject({ ok: false, problem: { kind: "changed", index: 7, line: 8 } });

    await write(original.filter((_, k) => k !== 12));
    expect(await verifyAuditLog(copy)).toMatchObject({ ok: false, problem: { kind: "removed", index: 12, line: 13 } });

    const swapped = [...original];
    [swapped[15], swapped[16]] = [swapped[16]!, swapped[15]!];
    await write(swapped);
    expect(await verifyAuditLog(copy)).toMatchObject({ ok: false, problem: { kind: "reordered", index: 15, line: 16 } });

    // Cut off at the end: only the checkpoints outside the file can tell.
    await write(original.slice(0, -3));
    expect((await verifyAuditLog(copy)).ok).toBe(true);
    const checkpoints = await readCheckpoints(await openCheckpoints(audit));
    expect(await verifyAuditLog(copy, { checkpoints })).toMatchObject({ ok: false, problem: { kind: "removed" } });
  });
});
