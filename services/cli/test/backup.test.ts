/**
 * `schakel backup` and `schakel restore` with real servers: a provisioned bus with signed notices,
 * receipts, acknowledgements, KV records and an audit chain is backed up; a second server with
 * the same identities and an empty store receives the restore. Every stream must come back with
 * the same count, first/last sequence and the same bytes per message; the records must read back,
 * `audit verify --bus` must pass and every stored signature must verify. A damaged archive
 * restores nothing (exit 1); a server that holds the streams is refused (exit 2).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AUDIT_ID, inboxPrefix, JS_MANAGEMENT_API, sampleData, STREAMS } from "@schakel/contracts";
import { OperatorConnection, openBucket, verifyStored, type StoredMessage } from "@schakel/contracts/bus";
import { startAuditor } from "@schakel/audit";
import { ADMIN_ID, openAdminSession, renderAuthorization } from "@schakel/infra";
import { startSchakelServer, startServer, waitFor, type NatsServer, type SchakelServer } from "@schakel/harness";
import { runInProcess, type CliResult } from "./support/run-cli.ts";

const NOTICES = 60;
const now = () => new Date().toISOString();
const dec = new TextDecoder();

/** Every message of every stream, as comparable text: subject, storage time, headers, body. */
async function everyMessage(url: string, seed: string): Promise<Map<string, { state: string; messages: string[] }>> {
  const op = await OperatorConnection.connect({ servers: url, as: ADMIN_ID, seed, reconnect: false });
  try {
    const all = new Map<string, { state: string; messages: string[] }>();
    for (const { name } of await op.streams()) {
      const st = await op.streamState(name);
      const messages: string[] = [];
      for (let seq = st.firstSeq; seq <= st.lastSeq && st.messages > 0; seq++) {
        const m = await op.storedMessage(name, seq);
        if (m) messages.push(describeStored(m));
      }
      // An empty stream's first sequence is 0 before and last+1 after a restore: only a kept message fixes it.
      all.set(name, { state: `${st.messages} ${st.messages ? st.firstSeq : "-"}-${st.lastSeq}`, messages });
    }
    return all;
  } finally {
    await op.close();
  }
}

const describeStored = (m: StoredMessage): string =>
  JSON.stringify([m.seq, m.subject, m.storedAtNanos, (m.headers?.keys() ?? []).map((k) => [k, m.headers!.values(k)]), Buffer.from(m.body).toString("base64")]);

describe("schakel backup and restore", () => {
  let s: SchakelServer;
  let empty: NatsServer;
  let tmp: string;
  let before: Awaited<ReturnType<typeof everyMessage>>;
  const closeLater: (() => Promise<void>)[] = [];
  const cli = (...args: string[]): Promise<CliResult> => runInProcess(["--wait", "0", ...args]);

  beforeAll(async () => {
    s = await startSchakelServer();
    tmp = await mkdtemp(join(tmpdir(), "schakel-backup-"));
    const [ocam, mechelen] = await Promise.all(["fed-ocam", "mechelen"].map((o) => s.connectAs(o)));
    for (let i = 0; i < NOTICES; i++) {
      const data = { ...sampleData("notice.posted"), recipients: ["mechelen"], ackBy: new Date(Date.now() + 3_600_000).toISOString() };
      const posted = await ocam!.publish("notice.posted", data, { to: "mechelen" });
      await mechelen!.publish("notice.delivered", { noticeId: data.noticeId, recipient: "mechelen", deliveredAt: now() }, { to: "fed-ocam", inReplyTo: posted.envelope });
      if (i % 2 === 0) await mechelen!.publish("notice.acknowledged", { noticeId: data.noticeId, recipient: "mechelen", acknowledgedAt: now() }, { to: "fed-ocam", inReplyTo: posted.envelope });
    }
    const kv = await openBucket(mechelen!, "org-mechelen");
    for (let i = 0; i < 5; i++) await kv.put(`backup-test.${i}`, `record ${i}`);
    const auditor = await startAuditor({ servers: s.url, seed: s.identities.audit.seed, dataDir: s.dataDir, checkpointEvery: 50 });
    await auditor.caughtUp(20_000);
    await auditor.stop();
    before = await everyMessage(s.url, s.identities.admin.seed);
    empty = await startServer({ configText: renderAuthorization(s.registry, s.identities) });
  }, 60_000);
  afterAll(async () => {
    for (const close of closeLater) await close();
    await empty?.cleanup();
    await s?.cleanup();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("backup - every stream and bucket with its config, state, size and sha256; public files only, owner-only modes", async () => {
    const dir = join(tmp, "nightly");
    const r = await cli("--data", s.dataDir, "--server", s.url, "backup", dir, "--json");
    expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining("error")]);
    const manifest = JSON.parse(r.stdout);
    expect(manifest.streams.map((x: { name: string }) => x.name)).toEqual([...before.keys()]);
    const coord = manifest.streams.find((x: { name: string }) => x.name === STREAMS.coord.name);
    expect(`${coord.state.messages} ${coord.state.first_seq}-${coord.state.last_seq}`).toBe(before.get(STREAMS.coord.name)!.state);
    expect(coord.config.name).toBe(STREAMS.coord.name);
    expect((await stat(join(dir, coord.file))).size).toBe(coord.size);
    expect(JSON.parse(await readFile(join(dir, coord.meta), "utf8")).state.last_seq).toBe(coord.state.last_seq);
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual(["audit/chain.jsonl", "directory.json", "registry.json"]);
    expect(manifest.excluded).toEqual(["identities/ (the organisations' and operators' seeds)", "case-keys/ (the per-case keys: erasing a case destroys its key)"]);
    expect(existsSync(join(dir, "files", "identities"))).toBe(false);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, coord.file))).mode & 0o777).toBe(0o600);
    expect(r.stderr).toMatch(new RegExp(`backup ${STREAMS.coord.name}: [\\d.]+ k?B`));
  });

  it("backup - refuses a folder that is not empty (exit 2) and says loudly when it holds secrets", async () => {
    const taken = join(tmp, "taken");
    await cp(join(tmp, "nightly"), taken, { recursive: true });
    const again = await cli("--data", s.dataDir, "--server", s.url, "backup", taken);
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining("is not empty")]);
    const secret = join(tmp, "with-secrets");
    const r = await cli("--data", s.dataDir, "--server", s.url, "backup", secret, "--include-secrets", "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("WARNING: this backup will hold SECRETS");
    const manifest = JSON.parse(r.stdout);
    expect(manifest.includesSecrets).toBe(true);
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain(join("identities", `${ADMIN_ID}.creds.json`));
    expect((await stat(join(secret, "files", "identities", `${ADMIN_ID}.creds.json`))).mode & 0o777).toBe(0o600);
  });

  it("backup - only the admin may snapshot: the broker refuses an organisation and the audit identity", async () => {
    const org = await s.rawAs("mechelen");
    const asked = org.request(JS_MANAGEMENT_API.streamSnapshot(STREAMS.coord.name), JSON.stringify({ deliver_subject: `${inboxPrefix("mechelen")}.snapshot` }), { timeout: 2_000 });
    await expect(asked).rejects.toThrow(/Permissions Violation/);
    const audit = await OperatorConnection.connect({ servers: s.url, as: AUDIT_ID, seed: s.identities.audit.seed, reconnect: false });
    const taken = audit.snapshot(STREAMS.coord.name, async () => {}, { idleMs: 2_000 });
    await expect(taken.finally(() => audit.close())).rejects.toThrow(/Permissions Violation/);
  });

  it("restore - a damaged archive is refused before anything is sent (exit 1, naming the file)", async () => {
    const damaged = join(tmp, "damaged");
    await cp(join(tmp, "nightly"), damaged, { recursive: true });
    const file = join(damaged, "streams", STREAMS.coord.name, "stream.tar.s2");
    const bytes = await readFile(file);
    const at = bytes.length >> 1;
    bytes[at] = bytes[at]! ^ 0xff;
    await writeFile(file, bytes);
    const r = await cli("--data", s.dataDir, "--server", empty.url, "restore", damaged);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file} does not match its sha256`);
    const op = await OperatorConnection.connect({ servers: empty.url, as: ADMIN_ID, seed: s.identities.admin.seed, reconnect: false });
    expect(await op.streams().finally(() => op.close())).toEqual([]);
  });

  it("restore - into an empty server: same streams, sequences and bytes; records, the audit chain and every signature hold", async () => {
    const data = join(tmp, "restored-data");
    const r = await cli("--data", data, "--server", empty.url, "restore", join(tmp, "with-secrets"), "--files", "--json");
    expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining("error")]);
    const result = JSON.parse(r.stdout);
    console.info(`restore of ${result.streams.reduce((n: number, x: { messages: number }) => n + x.messages, 0)} messages in ${result.streams.length} streams took ${result.durationMs} ms`);
    expect((await readdir(join(data, "identities"))).length).toBe(s.identities.organisations.size + 2);

    const after = await everyMessage(empty.url, s.identities.admin.seed);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, b] of before) {
      // Each backup is recorded in the read audit before its snapshot: READS holds more than before (checked below).
      if (name === STREAMS.reads.name) continue;
      expect(after.get(name)!.state, name).toBe(b.state);
      expect(after.get(name)!.messages, name).toEqual(b.messages);
    }

    // What `schakel up` does next: provision (it finds every stream, consumer and bucket as restored) and run the consumer gate.
    const session = await openAdminSession({ url: empty.url, adminSeed: s.identities.admin.seed, registry: s.registry });
    closeLater.push(() => session.close());
    expect(session.provisioned.filter((p) => p.action !== "unchanged").map((p) => `${p.kind} ${p.name} ${p.action}`)).toEqual([]);

    const mechelen = await s.connectAs("mechelen", { servers: empty.url });
    const kv = await openBucket(mechelen, "org-mechelen");
    expect(dec.decode((await kv.get("backup-test.3"))!.value)).toBe("record 3");

    const op = await OperatorConnection.connect({ servers: empty.url, as: ADMIN_ID, seed: s.identities.admin.seed, reconnect: false });
    try {
      let verified = 0;
      const reads = await op.streamState(STREAMS.reads.name);
      expect(reads.messages, "the backups' own read records").toBeGreaterThan(0);
      for (const stream of [STREAMS.coord.name, STREAMS.case.name, STREAMS.reads.name]) {
        const st = await op.streamState(stream);
        for (let seq = st.firstSeq; st.messages > 0 && seq <= st.lastSeq; seq++) {
          const m = (await op.storedMessage(stream, seq))!;
          const verdict = verifyStored(mechelen, m);
          expect(verdict.ok ? "ok" : `${stream} #${seq}: ${verdict.rejection.reason} ${verdict.rejection.detail}`).toBe("ok");
          verified++;
        }
      }
      expect(verified).toBeGreaterThanOrEqual(NOTICES * 2);
    } finally {
      await op.close();
    }

    const audit = await cli("--data", data, "--server", empty.url, "audit", "verify", "--bus", "--json");
    expect([audit.code, audit.stderr]).toEqual([0, ""]);
    expect(JSON.parse(audit.stdout).ok).toBe(true);
    expect(JSON.parse(audit.stdout).checkpoints).toBeGreaterThan(0);
  });

  it("restore - with no bus running, into a new data folder: its own server is started for the restore, new seeds keep the old keys verifiable", async () => {
    const data = join(tmp, "new-machine");
    const { NATS_URL: natsUrl, ...rest } = process.env;
    process.env = rest;
    try {
      const r = await cli("--data", data, "restore", join(tmp, "nightly"), "--files", "--json");
      expect([r.code, r.stderr]).toEqual([0, expect.stringContaining("starting its nats-server for the restore")]);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ startedServer: true, next: `schakel up --data ${data} --registry ${join(data, "registry.json")}` });
      expect(result.streams.find((x: { name: string }) => x.name === STREAMS.coord.name).messages).toBe(before.get(STREAMS.coord.name)!.messages.length);
    } finally {
      if (natsUrl !== undefined) process.env.NATS_URL = natsUrl;
    }
    const directory = JSON.parse(await readFile(join(data, "directory.json"), "utf8"));
    const ocam = directory.organisations.find((o: { id: string }) => o.id === "fed-ocam");
    expect(ocam.signingKeys.map((k: { key: string; revokedAt?: string }) => [k.key === s.directory.organisation("fed-ocam")!.signingKeys[0]!.key, k.revokedAt !== undefined])).toEqual([[true, true], [false, false]]);
    expect(existsSync(join(data, "jetstream"))).toBe(true);
  });

  it("restore - a server that already holds the streams is refused, naming them (exit 2)", async () => {
    const r = await cli("--data", s.dataDir, "--server", empty.url, "restore", join(tmp, "nightly"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`the server already holds .*${STREAMS.coord.name}.*: restore into an empty server`));
  });
});

describe("schakel restore and retention", () => {
  it("restore - messages older than the stream's max_age are dropped by the server on restore and reported; --keep-aged keeps them", async () => {
    await using s = await startSchakelServer();
    const tmp = await mkdtemp(join(tmpdir(), "schakel-backup-age-"));
    await using empty = await startServer({ configText: renderAuthorization(s.registry, s.identities) });
    await using throwAway = await startServer({ configText: renderAuthorization(s.registry, s.identities) });
    try {
      const jsm = await s.jsm();
      await jsm.streams.add({ name: "AGEING", subjects: ["ageing.>"], max_age: 2e9 });
      const admin = await s.admin();
      for (let i = 0; i < 3; i++) await admin.request(`ageing.${i}`, "kept for two seconds");
      const { state } = await jsm.streams.info("AGEING");
      const taken = await runInProcess(["--data", s.dataDir, "--server", s.url, "backup", join(tmp, "b")]);
      expect(taken.code).toBe(0);
      await waitFor(() => Date.now() > Date.parse(state.last_ts) + 2_000, { timeoutMs: 10_000, what: "the messages to pass max_age" });
      const r = await runInProcess(["--data", s.dataDir, "--server", empty.url, "restore", join(tmp, "b"), "--json"]);
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining("error")]);
      const ageing = JSON.parse(r.stdout).streams.find((x: { name: string }) => x.name === "AGEING");
      expect(ageing).toMatchObject({ messages: 0, agedOut: 3, lastSeq: 3 });
      const kept = await runInProcess(["--data", s.dataDir, "--server", throwAway.url, "restore", join(tmp, "b"), "--keep-aged", "--json"]);
      expect(JSON.parse(kept.stdout).streams.find((x: { name: string }) => x.name === "AGEING")).toMatchObject({ messages: 3, agedOut: 0, firstSeq: 1, lastSeq: 3 });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
