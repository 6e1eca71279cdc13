/**
 * The abuse matrix again, with A connected to its own leaf node instead of the hub: the leaf links
 * A's account there into A's account at the hub, so every path of the matrix — pushing into B's
 * pull subject, redirecting a pull's reply, unfiltered creates, MSG.GET, B's buckets — meets the
 * same account boundary and consumer gate as at the hub. JetStream API and KV subjects go out at the
 * hub's domain, as A's bus client sends them there. Each row must be denied with zero bytes of B's
 * data reaching A, B's consumer untouched; A's own paths must work through its leaf. Published as a
 * second table in docs/SECURITY.md.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEAF } from "@schakel/contracts";
import { startSchakelLeaf, startSchakelServer, type SchakelLeaf, type SchakelServer } from "@schakel/harness";
import { atHubDomain, type LeafSite } from "@schakel/infra";
import { ALL_ATTACKS } from "../src/abuse/all-attacks.ts";
import { LEGITIMATE } from "../src/abuse/legitimate.ts";
import { Matrix } from "../src/abuse/matrix.ts";
import { LEAF_TABLE, markdownTable, publishedTable, writeTable } from "../src/abuse/report.ts";
import { attackFrom, buildWorld, victimInbox, type World } from "../src/abuse/world.ts";

const SECURITY_MD = fileURLToPath(new URL("../../../docs/SECURITY.md", import.meta.url));
const TABLE_FILE = fileURLToPath(new URL("../abuse-matrix-leaf.md", import.meta.url));
const SITE: LeafSite = { name: "antwerpen", organisations: ["antwerpen"] };

describe("abuse matrix at a leaf - organisation A on its own leaf against organisation B at the hub", () => {
  let s: SchakelServer;
  let leaf: SchakelLeaf;
  let w: World;
  let matrix: Matrix;

  beforeAll(async () => {
    s = await startSchakelServer({ leaves: [SITE] });
    leaf = await startSchakelLeaf(s, SITE);
    w = await buildWorld(s, "antwerpen", "mechelen", {
      url: leaf.server.url, connectAs: (org) => leaf.connectAs(org), rawAs: (org) => leaf.rawAs(org),
      jetStreamDomain: LEAF.hubDomain, at: (subject) => atHubDomain(subject) ?? subject,
    });
    matrix = new Matrix(w);
  });
  afterAll(async () => {
    await leaf?.cleanup();
    await s?.cleanup();
  });

  it("leaf abuse matrix - every attack path through A's leaf is denied and returns zero bytes of B's data", async () => {
    const failed = await matrix.attacks(ALL_ATTACKS);
    expect(failed.map((r) => `${r.attempt}: ${r.how}`)).toEqual([]);
    expect(matrix.rows.reduce((n, r) => n + r.leakedBytes, 0)).toBe(0);
    expect(matrix.rows.length).toBe(ALL_ATTACKS.length);
  });

  it("leaf abuse matrix - A's own consumers, feed slots, buckets and publishing work through its leaf", async () => {
    expect((await matrix.legitimate(LEGITIMATE)).map((r) => `${r.attempt}: ${r.how}`)).toEqual([]);
    // Its publications went to the leaf's OUTBOX, not over the link.
    expect(matrix.rows.filter((r) => r.area === "publish as itself" || r.area === "read audit" && r.expected === "works").map((r) => r.how)).toEqual([`stored in ${LEAF.outboxStream}`, `stored in ${LEAF.outboxStream}`]);
  });

  /**
   * An organisation runs its own leaf, so it can give its user there every permission. Then only
   * the hub stands between it and B: its link user's permissions, its account and its imports.
   */
  describe("with A's user at its leaf allowed everything", () => {
    const rows = [
      "pull B's durable", "pull A's own durable with the reply subject set to B's pull subject", "pushing into B's pull subject", "push consumer on A's own bucket delivering into B's pull subject",
      "update B's durable", "unnamed, unfiltered consumer on COORD", "STREAM.MSG.GET of B's message on COORD", "DIRECT.GET of B's message on COORD", "get from B's bucket", "watch B's bucket",
    ];
    let open: SchakelLeaf;
    let wOpen: World;

    beforeAll(async () => {
      await leaf.cleanup();
      open = await startSchakelLeaf(s, SITE, { openUsers: true });
      wOpen = await attackFrom(w, {
        url: open.server.url, connectAs: (org) => open.connectAs(org), rawAs: (org) => open.rawAs(org),
        jetStreamDomain: LEAF.hubDomain, at: (subject) => atHubDomain(subject) ?? subject, wiretap: ">",
      });
    });
    afterAll(() => open?.cleanup());

    it("leaf abuse matrix - pushing into B's pull subject, redirecting a reply, unfiltered creates and MSG.GET are denied by the hub with zero bytes, B's consumer untouched", async () => {
      const attacks = ALL_ATTACKS.filter((a) => rows.some((r) => a.attempt(wOpen).includes(r)));
      expect(attacks).toHaveLength(rows.length);
      const hubOnly = new Matrix(wOpen);
      const failed = await hubOnly.attacks(attacks);
      expect(failed.map((r) => `${r.attempt}: ${r.how}`)).toEqual([]);
      expect(hubOnly.rows.reduce((n, r) => n + r.leakedBytes, 0)).toBe(0);
      // A's own durable still works through the same open leaf.
      expect((await hubOnly.legitimate(LEGITIMATE.slice(0, 1))).map((r) => r.how)).toEqual([]);
    });
  });

  it("leaf abuse matrix - B's inbox is untouched: every message arrives once, in order, with its secret", async () => {
    expect(await victimInbox(w)).toEqual(w.victimSeqs.map((seq) => ({ seq, count: 1, secret: true })));
  });

  it("leaf abuse matrix - the table in docs/SECURITY.md is the one this run produced", async () => {
    const table = markdownTable(matrix.rows, w.attacker, w.victim, LEAF_TABLE, ", connected to its own leaf node");
    await writeTable(TABLE_FILE, table);
    expect(await publishedTable(SECURITY_MD, LEAF_TABLE), "copy test/security/abuse-matrix-leaf.md into docs/SECURITY.md").toBe(table);
  });

});
