/**
 * The abuse matrix: as organisation A, with A's real credentials, try to read B's messages and to
 * act as B through every path the broker offers; each must be denied with zero bytes of B's data
 * reaching A. Then A's own paths must still work, and B's inbox must be exactly as it was. The
 * matrix is printed one line per path and published as a table in docs/SECURITY.md.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headers } from "@nats-io/transport-node";
import { messageSubject, NATS_CONTROL_HEADERS, newMessageId, sampleData, STREAMS } from "@schakel/contracts";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { ALL_ATTACKS } from "../src/abuse/all-attacks.ts";
import { LEGITIMATE } from "../src/abuse/legitimate.ts";
import { Matrix } from "../src/abuse/matrix.ts";
import { markdownTable, publishedTable, writeTable } from "../src/abuse/report.ts";
import { buildWorld, victimInbox, type World } from "../src/abuse/world.ts";

const SECURITY_MD = fileURLToPath(new URL("../../../docs/SECURITY.md", import.meta.url));
const TABLE_FILE = fileURLToPath(new URL("../abuse-matrix.md", import.meta.url));

describe("abuse matrix - organisation A against organisation B", () => {
  let s: SchakelServer;
  let w: World;
  let matrix: Matrix;

  beforeAll(async () => {
    s = await startSchakelServer();
    w = await buildWorld(s);
    matrix = new Matrix(w);
  });
  afterAll(() => s?.cleanup());

  it("abuse matrix - every attack path is denied and returns zero bytes of B's data", async () => {
    const failed = await matrix.attacks(ALL_ATTACKS);
    expect(failed.map((r) => `${r.attempt}: ${r.how}`)).toEqual([]);
    expect(matrix.rows.reduce((n, r) => n + r.leakedBytes, 0)).toBe(0);
    expect(matrix.rows.length).toBeGreaterThanOrEqual(45);
  });

  it("abuse matrix - A's own consumers, feed slots, bucket and publishing still work", async () => {
    expect((await matrix.legitimate(LEGITIMATE)).map((r) => `${r.attempt}: ${r.how}`)).toEqual([]);
  });

  it("abuse matrix - B's inbox is untouched: every message arrives once, in order, with its secret", async () => {
    expect(await victimInbox(w)).toEqual(w.victimSeqs.map((seq) => ({ seq, count: 1, secret: true })));
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
    const table = markdownTable(matrix.rows, w.attacker, w.victim);
    await writeTable(TABLE_FILE, table);
    expect(await publishedTable(SECURITY_MD), "copy test/security/abuse-matrix.md into docs/SECURITY.md").toBe(table);
  });
});
