/**
 * The read audit in the chain: read records (READS) are chained with the read's who and what, a
 * message on READS that does not verify is chained with the reason instead, the chain file answers
 * "who saw what about this case / what did this person see", `verifyAuditLog` catches a changed
 * read, and a chain written before the read audit existed (a fixture written by that release's
 * code) still verifies and can be extended.
 */
import { copyFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstream } from "@nats-io/jetstream";
import { messageSubject, sampleData, STREAMS } from "@schakel/contracts";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { AuditRecord, chain, readsInLog, startAuditor, toLine, verifyAuditLog, type Auditor } from "../src/mod.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/chain-before-read-audit.jsonl", import.meta.url));
const CASE = "LIVC-MECH-2026-0042";

describe("audit - the read audit in the chain", () => {
  let s: SchakelServer;
  let auditor: Auditor;
  const ids: string[] = [];

  beforeAll(async () => {
    s = await startSchakelServer();
    const mechelen = await s.connectAs("mechelen");
    const antwerpen = await s.connectAs("antwerpen");
    const notice = sampleData("notice.posted").noticeId;
    ids.push((await mechelen.recordRead({ person: "m.peeters", role: "livc-member", interface: "console", purpose: "notice detail", kind: "notice", messageIds: [notice], caseRef: CASE })).id);
    ids.push((await antwerpen.recordRead({ role: "operator", interface: "cli", purpose: "schakel trace", kind: "trace", messageIds: [notice, notice] })).id);
    ids.push((await mechelen.recordRead({ interface: "service", purpose: "open case consultation", kind: "case-content", messageIds: [], caseRef: CASE })).id);
    // Signed by mechelen but speaking for antwerpen: stored, refused as a read (sender-mismatch).
    await mechelen.publish("read.recorded", { readId: sampleData("read.recorded").readId, organisation: "antwerpen", interface: "cli", purpose: "forged", kind: "export", messageIds: [] }, { to: "mechelen" });
    // Written below the bus (the operator can): stored in READS, but not a signed read record.
    await jetstream(await s.admin()).publish(messageSubject("read.recorded", "mechelen", "mechelen"), JSON.stringify({ not: "a read" }));
    auditor = await startAuditor({ servers: s.url, seed: s.identities.audit.seed, dataDir: s.dataDir, checkpointEvery: 2 });
    await auditor.caughtUp();
  });
  afterAll(async () => {
    await auditor?.stop().catch(() => {});
    await s?.cleanup();
  });

  it("audit - each read record is chained with its who and what; others with the reason", async () => {
    const records = (await readFile(auditor.logPath, "utf8")).trimEnd().split("\n").map((l) => AuditRecord.parse(JSON.parse(l))).filter((r) => r.stream === STREAMS.reads.name);
    expect(records).toHaveLength(5);
    expect(records[0]!.read).toMatchObject({ readId: ids[0], person: "m.peeters", organisation: "mechelen", role: "livc-member", interface: "console", kind: "notice", caseRef: CASE });
    expect(records[1]!.read).toMatchObject({ organisation: "antwerpen", role: "operator", interface: "cli", kind: "trace" });
    expect(records[1]!.read!.person).toBeUndefined();
    expect(records[2]!.read).toMatchObject({ organisation: "mechelen", interface: "service", kind: "case-content" });
    expect(records.slice(3).map((r) => [r.read, r.refused])).toEqual([[undefined, "sender-mismatch"], [undefined, "invalid-envelope"]]);
    expect((await verifyAuditLog(auditor.logPath)).ok).toBe(true);
  });

  it("audit - reads answers by case, by person and since a time, from the chain file", async () => {
    const byCase = await readsInLog(auditor.logPath, { caseRef: CASE });
    expect(byCase.reads.map((r) => r.read.readId)).toEqual([ids[0], ids[2]]);
    expect(byCase.refused).toBe(2);
    expect((await readsInLog(auditor.logPath, { person: "m.peeters" })).reads.map((r) => r.read.kind)).toEqual(["notice"]);
    expect((await readsInLog(auditor.logPath, { since: new Date(Date.now() + 60_000) })).reads).toEqual([]);
  });

  it("audit - verify reports a changed read record (another person, or the read taken out) as changed", async () => {
    const text = await readFile(auditor.logPath, "utf8");
    const lines = text.trimEnd().split("\n");
    const at = lines.findIndex((l) => l.includes('"m.peeters"'));
    for (const [name, changed] of [
      ["person", lines[at]!.replace('"m.peeters"', '"j.janssens"')],
      ["no-read", JSON.stringify((({ read: _read, ...rest }) => rest)(JSON.parse(lines[at]!) as Record<string, unknown>))],
    ] as const) {
      const copy = path.join(s.dataDir, `changed-${name}.jsonl`);
      await writeFile(copy, lines.map((l, k) => (k === at ? changed : l)).join("\n") + "\n");
      const r = await verifyAuditLog(copy);
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.problem).toMatchObject({ kind: "changed", line: at + 1, index: at });
    }
  });

  it("audit - a chain written before the read audit verifies, and extends with read records", async () => {
    const old = await verifyAuditLog(FIXTURE);
    expect(old).toMatchObject({ ok: true, records: 4 });
    const copy = path.join(s.dataDir, "old-then-new.jsonl");
    await copyFile(FIXTURE, copy);
    const last = AuditRecord.parse(JSON.parse((await readFile(FIXTURE, "utf8")).trimEnd().split("\n").at(-1)!));
    const read = { readId: ids[0]!, person: "m.peeters", organisation: "mechelen", role: "livc-member", interface: "console", purpose: "notice detail", kind: "notice", messageIds: [], caseRef: CASE, at: new Date().toISOString() };
    const next = chain(last.i + 1, last.hash, { stream: STREAMS.reads.name, seq: 1, subject: messageSubject("read.recorded", "mechelen", "mechelen"), storedAt: new Date().toISOString(), digest: last.digest, read });
    await writeFile(copy, (await readFile(copy, "utf8")) + toLine(next));
    expect(await verifyAuditLog(copy)).toMatchObject({ ok: true, records: 5 });
    expect((await readsInLog(copy, { caseRef: CASE })).reads).toHaveLength(1);
  });
});
