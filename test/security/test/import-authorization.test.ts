/**
 * The platform account exports one service per subject shape (infra/src/export-shapes.ts), bound
 * to the importing account by `account_token_position` where the organisation id is a whole token.
 * These rows prove, with the real nats-server's config check, that a collapsed export does not let
 * organisation A's account import B's subjects: a config that tries is refused as a whole.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSUMER_GATE, deadLetterFilter, feedConsumerName, inboxPrefix, JS_API, PLATFORM_ACCOUNT, readsFilter, ROOTS, senderFilter, STREAMS, audienceFilter } from "@schakel/contracts";
import { ensureIdentities, findNatsServerBinary, loadRegistry, renderServerConfig, type Identities } from "@schakel/infra";

const A = "antwerpen";
const B = "mechelen";
const q = (s: string): string => JSON.stringify(s);

describe("abuse - importing another organisation's subjects through a collapsed export", () => {
  const registry = loadRegistry();
  let dir: string;
  let ids: Identities;
  let config: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "schakel-imports-"));
    ids = await ensureIdentities(registry, dir);
    config = renderServerConfig(registry, ids, { port: -1, storeDir: path.join(dir, "store") });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Runs `nats-server -t` on the generated config with `extra` added to A's imports. */
  async function check(extra: string | undefined, name: string): Promise<{ valid: boolean; output: string }> {
    const start = config.indexOf("imports: [", config.indexOf(`${q(A)}: {`)) + "imports: [".length;
    const text = extra === undefined ? config : `${config.slice(0, start)}\n      ${extra}${config.slice(start)}`;
    const file = path.join(dir, `${name}.conf`);
    await writeFile(file, text);
    const run = spawnSync(findNatsServerBinary(), ["-t", "-c", file], { encoding: "utf8", timeout: 30_000 });
    return { valid: run.status === 0, output: `${run.stdout}${run.stderr}` };
  }
  const service = (subject: string) => `{ service: { account: ${q(PLATFORM_ACCOUNT)}, subject: ${q(subject)} } }`;

  it("abuse - the generated config itself is valid (the control row)", async () => {
    const r = await check(undefined, "control");
    expect(r.output).toMatch(/is valid/);
    expect(r.valid).toBe(true);
  });

  const rows: [string, () => string][] = [
    ["publish as B (coord.*.<B>.>)", () => service(senderFilter(B, ROOTS.coord))],
    ["publish sealed case content as B (case.*.<B>.>)", () => service(senderFilter(B, ROOTS.case))],
    ["file dead letters as B", () => service(deadLetterFilter(B))],
    ["record reads as B (reads.<B>.<B>.>)", () => service(readsFilter(B))],
    ["create B's feed slot on B's inbox through the gate", () =>
      `{ service: { account: ${q(PLATFORM_ACCOUNT)}, subject: ${q(CONSUMER_GATE.subject(B, `${STREAMS.coord.name}.${feedConsumerName(B, 1)}.${audienceFilter(B)}`))} }, to: ${q(JS_API.consumerCreateFiltered(STREAMS.coord.name, feedConsumerName(B, 1), audienceFilter(B)))} }`],
    ["send consumer creates into the gate as B (gate.<B>.create.>)", () =>
      `{ service: { account: ${q(PLATFORM_ACCOUNT)}, subject: ${q(CONSUMER_GATE.tenantExport(B, "create"))} }, to: "as-b.create.>" }`],
    ["send consumer deletes into the gate as B (gate.<B>.delete.>)", () =>
      `{ service: { account: ${q(PLATFORM_ACCOUNT)}, subject: ${q(CONSUMER_GATE.tenantExport(B, "delete"))} }, to: "as-b.delete.>" }`],
    ["receive B's reply inbox (stream import of _INBOX_<B>.>)", () => `{ stream: { account: ${q(PLATFORM_ACCOUNT)}, subject: ${q(`${inboxPrefix(B)}.>`)} } }`],
  ];
  for (const [attack, importLine] of rows) {
    it(`abuse - A imports: ${attack} → the broker refuses the config`, async () => {
      const r = await check(importLine(), attack.replace(/[^a-z]+/gi, "-"));
      expect(r.valid, r.output).toBe(false);
      expect(r.output).toMatch(/import not authorized/);
    });
  }
});
