/**
 * verifyAuditLog on logs built in memory: each kind of tampering is named as what it is, even
 * when it touches the index or is re-hashed to look consistent.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chain, GENESIS, recordHash, toLine, verifyAuditLog, type AuditRecord } from "../src/mod.ts";

function build(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev = GENESIS;
  for (let i = 0; i < n; i++) {
    const r = chain(i, prev, { stream: i % 3 ? "COORD" : "CASE", seq: i + 1, subject: `coord.all.vpr.knowledge.shared`, storedAt: new Date(1_800_000_000_000 + i).toISOString(), digest: "ab".repeat(32) });
    out.push(r);
    prev = r.hash;
  }
  return out;
}

describe("audit - verify names the tampering", () => {
  let dir: string;
  const file = () => path.join(dir, "log.jsonl");
  const write = (rs: (AuditRecord | string)[]) => writeFile(file(), rs.map((r) => (typeof r === "string" ? r + "\n" : toLine(r))).join(""));
  beforeAll(async () => void (dir = await mkdtemp(path.join(tmpdir(), "schakel-verify-"))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("audit - an intact log and an empty log verify", async () => {
    await write(build(10));
    expect(await verifyAuditLog(file())).toMatchObject({ ok: true, records: 10, head: { index: 9 } });
    await write([]);
    expect(await verifyAuditLog(file())).toMatchObject({ ok: true, records: 0, head: null });
  });

  it("audit - a changed index reads as changed, a removed first record as removed, a truncated line as changed", async () => {
    const rs = build(6);
    await write(rs.map((r, k) => (k === 2 ? { ...r, i: 3 } : r)));
    expect(await verifyAuditLog(file())).toMatchObject({ ok: false, problem: { kind: "changed", index: 2, line: 3 } });
    await write(rs.slice(1));
    expect(await verifyAuditLog(file())).toMatchObject({ ok: false, problem: { kind: "removed", index: 0, line: 1 } });
    await write(rs.map((r, k) => (k === 4 ? toLine(r).slice(0, 40) : r)));
    expect(await verifyAuditLog(file())).toMatchObject({ ok: false, problem: { kind: "changed", index: 4, line: 5 } });
  });

  it("audit - a record changed and re-hashed breaks the next link; rewritten onwards, only a checkpoint catches it", async () => {
    const rs = build(8);
    const forged = { ...rs[3]!, seq: 99 };
    forged.hash = recordHash(forged.prev, { i: forged.i, stream: forged.stream, seq: forged.seq, subject: forged.subject, storedAt: forged.storedAt, digest: forged.digest });
    await write(rs.map((r, k) => (k === 3 ? forged : r)));
    expect(await verifyAuditLog(file())).toMatchObject({ ok: false, problem: { kind: "changed", index: 4, line: 5 } });
    // Rewritten from record 3 on with every hash recomputed: consistent in itself.
    let prev = rs[2]!.hash;
    const rewritten = rs.map((r, k) => {
      if (k < 3) return r;
      const c = chain(k, prev, { ...r, seq: r.seq + 100 });
      prev = c.hash;
      return c;
    });
    await write(rewritten);
    expect((await verifyAuditLog(file())).ok).toBe(true);
    expect(await verifyAuditLog(file(), { checkpoints: [{ i: 2, hash: rs[2]!.hash }, { i: 5, hash: rs[5]!.hash }] })).toMatchObject({ ok: false, problem: { kind: "changed", index: 5 } });
  });
});
