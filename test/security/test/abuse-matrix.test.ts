/**
 * The abuse matrix: as organisation A, with A's real credentials, try to read B's messages and to
 * act as B through every path the broker offers; each must be denied with zero bytes of B's data
 * reaching A. Then A's own paths must still work, and B's inbox must be exactly as it was. The
 * matrix is printed one line per path and published as a table in docs/SECURITY.md.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headers } from "@nats-io/transport-node";
import { inboxConsumers, messageSubject, NATS_CONTROL_HEADERS, newMessageId, sampleData, STREAMS } from "@schakel/contracts";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { ATTACKS, CASE_BUCKET_ATTACKS, HEADER_ATTACKS, type Attack } from "../src/abuse/attacks.ts";
import { IDENTITY_ATTACKS } from "../src/abuse/identity-attacks.ts";
import { LEGITIMATE } from "../src/abuse/legitimate.ts";
import { READ_AUDIT_ATTACKS } from "../src/abuse/read-audit-attacks.ts";
import { markdownTable, printLine, publishedTable, writeTable, type MatrixRow } from "../src/abuse/report.ts";
import { buildWorld, type World } from "../src/abuse/world.ts";

const SECURITY_MD = fileURLToPath(new URL("../../../docs/SECURITY.md", import.meta.url));
const TABLE_FILE = fileURLToPath(new URL("../abuse-matrix.md", import.meta.url));

describe("abuse matrix - organisation A against organisation B", () => {
  let s: SchakelServer;
  let w: World;
  const rows: MatrixRow[] = [];

  beforeAll(async () => {
    s = await startSchakelServer();
    w = await buildWorld(s);
  });
  afterAll(() => s?.cleanup());

  async function run(area: string, attempt: string, expected: MatrixRow["expected"], fn: () => Promise<{ denied: boolean; how: string }>): Promise<MatrixRow> {
    await w.probe.reset();
    let outcome: { denied: boolean; how: string };
    try {
      outcome = await fn();
    } catch (err) {
      outcome = { denied: true, how: `threw: ${(err as Error).message.slice(0, 80)}` };
    }
    await w.probe.settled();
    const row: MatrixRow = { area, attempt, expected, how: outcome.how, leakedBytes: w.probe.leakedBytes(w.secret), passed: expected === "denied" ? outcome.denied : !outcome.denied };
    if (expected === "denied" && row.leakedBytes > 0) row.passed = false;
    rows.push(row);
    console.log(printLine(rows.length - 1, row));
    return row;
  }

  it("abuse matrix - every attack path is denied and returns zero bytes of B's data", async () => {
    const attacks: Attack[] = [...ATTACKS, ...HEADER_ATTACKS, ...IDENTITY_ATTACKS, ...READ_AUDIT_ATTACKS, ...CASE_BUCKET_ATTACKS];
    for (const a of attacks) await run(a.area, a.attempt(w), "denied", () => a.run(w));
    const failed = rows.filter((r) => !r.passed);
    expect(failed.map((r) => `${r.attempt}: ${r.how}`)).toEqual([]);
    expect(rows.reduce((n, r) => n + r.leakedBytes, 0)).toBe(0);
    expect(rows.length).toBeGreaterThanOrEqual(45);
  });

  it("abuse matrix - A's own consumers, feed slots, bucket and publishing still work", async () => {
    const before = rows.length;
    for (const l of LEGITIMATE) await run(l.area, l.attempt(w), "works", () => l.run(w));
    expect(rows.slice(before).filter((r) => !r.passed).map((r) => `${r.attempt}: ${r.how}`)).toEqual([]);
  });

  it("abuse matrix - B's inbox is untouched: every message arrives once, in order, with its secret", async () => {
    const level = s.directory.require(w.victim).level;
    const own = inboxConsumers(w.victim, level)[0]!;
    const consumer = await w.bJs.consumers.get(own.stream, own.name);
    const seen: { seq: number; count: number; secret: boolean }[] = [];
    for (let i = 0; i < w.victimSeqs.length; i++) {
      const m = await consumer.next({ expires: 3_000 });
      if (!m) break;
      seen.push({ seq: m.seq, count: m.info.deliveryCount, secret: m.string().includes(w.secret) });
      m.ack();
    }
    expect(seen).toEqual(w.victimSeqs.map((seq) => ({ seq, count: 1, secret: true })));
  });

  it("abuse matrix - control: a Nats-Msg-Id known in advance would suppress B's message, so ids must be unguessable", async () => {
    // JetStream's duplicate window is per stream, shared by all organisations: this is why Schakel's
    // ids are random (UUIDv7) or an HMAC of the sender's seed, never predictable.
    const known = newMessageId();
    const h = headers();
    h.set(NATS_CONTROL_HEADERS.msgId, known);
    await w.aJs.publish(messageSubject("notice.posted", "all", w.attacker), JSON.stringify(sampleData("notice.posted")), { headers: h });
    const ack = await w.b.publish("notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam", id: known });
    expect(ack.duplicate).toBe(true);
    expect((await (await s.jsm()).streams.info(STREAMS.coord.name)).state.messages).toBeGreaterThan(0);
  });

  it("abuse matrix - the table in docs/SECURITY.md is the one this run produced", async () => {
    const table = markdownTable(rows, w.attacker, w.victim);
    await writeTable(TABLE_FILE, table);
    expect(await publishedTable(SECURITY_MD), "copy test/security/abuse-matrix.md into docs/SECURITY.md").toBe(table);
  });
});
