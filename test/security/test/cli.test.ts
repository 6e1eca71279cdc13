/**
 * The operator commands as a user runs them (the real `schakel` binary, exit codes and output):
 * `schakel audit verify` on copied logs that were changed, cut or reordered (the cut-off tail,
 * caught only by the checkpoints, is covered in services/audit), and
 * `schakel identities rotate` against a running server, which then refuses the old key, and
 * `schakel identities generate` after a registry change, which admits and provisions the newcomer.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { inboxConsumers, sampleData } from "@schakel/contracts";
import { KeyDirectory, OrgCredentials } from "@schakel/contracts/bus";
import { auditLogPath, startAuditor } from "@schakel/audit";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { credentialsPath, directoryPath, embeddedPaths } from "@schakel/infra";

const BIN = fileURLToPath(new URL("../../../services/cli/bin/schakel.mjs", import.meta.url));

function schakel(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1", NATS_URL: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Points the data folder's embedded-server files at the harness's server, as `schakel up` lays them out. */
async function layOutAsUp(s: SchakelServer): Promise<void> {
  const paths = embeddedPaths(s.dataDir);
  await mkdir(paths.runDir, { recursive: true });
  await rm(paths.config, { force: true });
  await symlink(path.join(s.server.dir, "nats.conf"), paths.config);
  await writeFile(paths.pidFile, `${s.server.pid}\n`);
}

const refused = async (url: string, seed: string) =>
  connect({ servers: url, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), reconnect: false }).then(async (nc) => (await nc.close(), false), () => true);

describe("cli - audit verify and identities rotate", () => {
  let s: SchakelServer;
  let log: string[];
  const data = () => ["--data", s.dataDir, "--server", s.url];

  beforeAll(async () => {
    s = await startSchakelServer();
    const ocam = await s.connectAs("fed-ocam");
    for (let i = 0; i < 12; i++) await ocam.publish("notice.posted", sampleData("notice.posted"), { to: i % 2 ? "mechelen" : "all" });
    const auditor = await startAuditor({ servers: s.url, seed: s.identities.audit.seed, dataDir: s.dataDir, checkpointEvery: 4 });
    await auditor.caughtUp();
    await auditor.stop();
    log = (await readFile(auditLogPath(s.dataDir), "utf8")).trimEnd().split("\n");
  });
  afterAll(() => s?.cleanup());

  it("cli - audit verify: exit 0 on the intact log; on copies a flipped byte, a removed record, a swapped pair exit 1 naming the first bad record", async () => {
    // One copy per case, and the binary started for all of them at once: each start loads the whole CLI.
    const copy = (name: string, lines: string[]) => writeFile(path.join(s.dataDir, `${name}.jsonl`), lines.join("\n") + "\n").then(() => path.join(s.dataDir, `${name}.jsonl`));
    const flipped = await copy("flipped", log.map((l, k) => (k === 5 ? l.replace('"seq":6', '"seq":7') : l)));
    const removed = await copy("removed", log.filter((_, k) => k !== 3));
    const swapped = await copy("swapped", log.map((l, k) => (k === 8 ? log[9]! : k === 9 ? log[8]! : l)));
    const [intact, f, r, w] = await Promise.all([
      schakel([...data(), "audit", "verify", "--bus"]),
      schakel([...data(), "audit", "verify", flipped]),
      schakel([...data(), "audit", "verify", removed, "--json"]),
      schakel([...data(), "audit", "verify", swapped, "--json"]),
    ]);
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(new RegExp(`intact: .* — ${log.length} records, head record ${log.length - 1}, hash [0-9a-f]{16}…, agrees with \\d+ checkpoints`));
    expect(f.code).toBe(1);
    expect(f.stdout).toContain(`CHANGED: ${flipped} — first bad record 5 (line 6)`);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, problem: { kind: "removed", index: 3, line: 4 } });
    expect(w.code).toBe(1);
    expect(JSON.parse(w.stdout)).toMatchObject({ ok: false, problem: { kind: "reordered", index: 8, line: 9 } });
  });

  it("cli - identities rotate rewrites the running server's accounts and reloads it: the old key is refused, the new one accepted, receivers follow", async () => {
    await layOutAsUp(s);
    const oldSeed = s.identities.organisations.get("mechelen")!.seed;
    expect(await refused(s.url, oldSeed)).toBe(false);
    // A receiver following the directory file sees the rotation without a restart.
    const followed = KeyDirectory.fromFile(directoryPath(s.dataDir));
    const unfollow = followed.watchFile(directoryPath(s.dataDir), undefined, 100);

    const r = await schakel([...data(), "identities", "rotate", "mechelen", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ org: "mechelen", config: "rewritten", reloaded: true });
    const fresh = OrgCredentials.parse(JSON.parse(await readFile(credentialsPath(s.dataDir, "mechelen"), "utf8")));
    await waitFor(() => refused(s.url, oldSeed), { timeoutMs: 5_000, what: "the old key to be refused" });
    expect(await refused(s.url, fresh.seed)).toBe(false);
    await waitFor(() => followed.organisation("mechelen")!.signingKeys.length === 2, { timeoutMs: 5_000, what: "the followed directory to show the rotation" });
    expect(followed.checkSigningKey("mechelen", s.identities.directory.organisations.find((o) => o.id === "mechelen")!.signingKeys[0]!.key, new Date()).ok).toBe(false);
    unfollow();
  });

  it("cli - identities generate after an organisation joins the registry: the reloaded server admits it and its inbox consumers are provisioned", async () => {
    await layOutAsUp(s);
    const registryFile = path.join(s.dataDir, "registry-with-halle.json");
    const halle = { id: "halle", name: "Stad Halle", level: "local", roles: ["municipality", "livc-partner"] };
    await writeFile(registryFile, JSON.stringify({ ...s.registry, organisations: [...s.registry.organisations, halle] }));

    const r = await schakel([...data(), "identities", "generate", "--registry", registryFile, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ organisations: s.registry.organisations.length + 1, config: "rewritten", reloaded: true, provisioned: true });
    const jsm = await s.jsm();
    for (const c of inboxConsumers("halle", "local")) expect((await jsm.consumers.info(c.stream, c.name)).config.filter_subject).toBe(c.filter);
    const seed = OrgCredentials.parse(JSON.parse(await readFile(credentialsPath(s.dataDir, "halle"), "utf8"))).seed;
    await waitFor(async () => !(await refused(s.url, seed)), { timeoutMs: 5_000, what: "the reloaded server to admit halle" });
  });
});
