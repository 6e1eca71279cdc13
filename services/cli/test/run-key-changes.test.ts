/**
 * `schakel run --org` takes up key changes without a restart, as a real process against a real
 * nats-server: its deployment folder holds its credentials file and the public directory, and the
 * bus's operator hands over new versions of them. A new organisation in the directory, another
 * organisation's rotated key, and its own rotated key (the server refuses the old one and closes
 * its connection) each reach the running process; a directory caught half-written is ignored with
 * one line; its console (`--console`) follows the same credentials file. The tests share one `run`
 * process and build on each other, in order.
 */
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "@nats-io/transport-node";
import { deadLetterFilter, rootOfType, STREAMS, streamOfRoot, type Directory, type Registry } from "@schakel/contracts";
import { connectBus, DEFAULT_SKEW_MS, KeyDirectory, seedAuthenticator, userNkeyOfSeed, verifyStored, type Bus, type OrgCredentials } from "@schakel/contracts/bus";
import { loadRegistry, reloadServer, rewriteServerConfig, rotateSigningKey, type Identities } from "@schakel/infra";
import { postNotice } from "@schakel/organisation";
import { startSchakelServer, storedMessages, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { spawnCli, type RunningCli } from "./support/run-cli.ts";

/** A justice house the bus admits, which mechelen's deployment learns of only from a later directory. */
const NEWCOMER = { id: "jh-leuven", name: "Justitiehuis Leuven", level: "flemish", roles: ["justice-house", "livc-partner"] } as const;

let s: SchakelServer;
let registry: Registry;
let deployment: string;
let mechelen: RunningCli;
let logFile: string;
let healthUrl: string;
const buses: Bus[] = [];

const creds = (ids: Identities, org: string): OrgCredentials => ids.organisations.get(org)!;
const inDeployment = (file: string): string => join(deployment, file);

/** Puts a file in the deployment as an operator would: written beside it, then renamed over it. */
async function handOver(file: string, value: unknown): Promise<void> {
  await writeFile(inDeployment(`${file}.new`), JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  await rename(inDeployment(`${file}.new`), inDeployment(file));
}

/** Lines of the run process's stderr matching `pattern`. */
const linesWith = (pattern: RegExp): string[] => mechelen.stderr().split("\n").filter((l) => pattern.test(l));
const DIRECTORY_TAKEN_UP = /key directory \S+ taken up/;
const DIRECTORY_IGNORED = /key directory \S+ changed but cannot be used/;

/** `schakel identities rotate <org>` on the bus's side: new seed, new directory, server config rewritten and reloaded. */
async function rotate(org: string): Promise<Identities> {
  const ids = await rotateSigningKey(registry, s.dataDir, org);
  await rewriteServerConfig(join(s.server.dir, "nats.conf"), registry, ids);
  reloadServer(s.server.pid);
  await waitFor(async () => !(await refused(creds(ids, org).seed)), { what: `the reloaded server to accept ${org}'s new key` });
  return ids;
}

const refused = async (seed: string): Promise<boolean> =>
  connect({ servers: s.url, authenticator: seedAuthenticator(seed), reconnect: false }).then(async (nc) => (await nc.close(), false), () => true);

/** mechelen's receipt for a notice, once stored. */
async function receiptFor(noticeId: string) {
  let found: Awaited<ReturnType<typeof storedOfType>>[number] | undefined;
  await waitFor(async () => (found = (await storedOfType(await s.jsm(), "notice.delivered", "mechelen")).find((m) => m.envelope.data.noticeId === noticeId)) !== undefined,
    { what: `mechelen's receipt for notice ${noticeId} (run stderr: ${mechelen.stderr()}; log: ${await readFile(logFile, "utf8").catch(() => "")})`, timeoutMs: 10_000 });
  return found!;
}

/** The console's part of the run process's /readyz. */
async function consoleReadiness(): Promise<{ ready: boolean; reason?: string }> {
  const body = await (await fetch(`${healthUrl}/readyz`)).json() as { components?: Record<string, { ready: boolean; reason?: string }> };
  return body.components?.["console"] ?? { ready: false, reason: `no console in ${JSON.stringify(body)}` };
}

async function busOf(ids: Identities, org: string): Promise<Bus> {
  const bus = await connectBus({ servers: s.url, credentials: creds(ids, org), directory: new KeyDirectory(ids.directory) });
  buses.push(bus);
  return bus;
}

beforeAll(async () => {
  const base = loadRegistry();
  registry = { ...base, organisations: [...base.organisations, { ...NEWCOMER, roles: [...NEWCOMER.roles] }] };
  // A delivery lost on the way comes again after ack_wait (30 s as deployed): shortened so that a
  // run on a loaded machine does not wait for one.
  s = await startSchakelServer({ registry, ackWaitMs: 3_000 });
  deployment = await mkdtemp(join(tmpdir(), "schakel-mechelen-keys-"));
  await handOver("mechelen.creds.json", creds(s.identities, "mechelen"));
  const before: Directory = { ...s.identities.directory, organisations: s.identities.directory.organisations.filter((o) => o.id !== NEWCOMER.id) };
  await handOver("directory.json", before);
  mechelen = spawnCli(["run", "--org", "mechelen", "--data", inDeployment("data"), "--server", s.url,
    "--directory", inDeployment("directory.json"), "--creds", inDeployment("mechelen.creds.json"), "--json",
    "--console", "--console-port", "0", "--idp-port", "0", "--health-port", "0"]);
  await waitFor(() => mechelen.stdout().includes("\n"), { what: `schakel run to be ready (stderr: ${mechelen.stderr()})`, timeoutMs: 30_000 });
  ({ logFile, healthUrl } = JSON.parse(mechelen.stdout().trim()) as { logFile: string; healthUrl: string });
}, 60_000);

afterAll(async () => {
  mechelen?.kill("SIGKILL");
  await Promise.allSettled(buses.map((b) => b.kill()));
  await s?.cleanup();
  if (deployment) await rm(deployment, { recursive: true, force: true });
});

describe("cli - schakel run takes up key changes without a restart", () => {
  it("cli - run: a new organisation in the handed-over directory is taken up: its notice, refused before, is received and answered to it", async () => {
    const newcomer = await s.connectAs(NEWCOMER.id);
    const early = await postNotice(newcomer, { to: ["mechelen"], title: "Before the directory", body: "Not known yet.", category: "event-warning" });
    await waitFor(async () => (await storedMessages(await s.jsm(), deadLetterFilter("mechelen"), STREAMS.deadletter.name)).some((m) => (m.envelope.data as { noticeId?: string }).noticeId === early.noticeId),
      { what: "mechelen to refuse a notice of an organisation its directory does not list" });

    await handOver("directory.json", s.identities.directory);
    await waitFor(() => linesWith(DIRECTORY_TAKEN_UP).length === 1, { what: `the run process to take up the new directory (stderr: ${mechelen.stderr()})` });
    const posted = await postNotice(newcomer, { to: ["mechelen"], title: "After the directory", body: "Known now.", category: "event-warning" });
    const receipt = await receiptFor(posted.noticeId);
    expect(receipt.envelope.audience).toBe(NEWCOMER.id);
  });

  it("cli - run: another organisation's rotated key verifies once the directory arrives; a half-written directory is ignored with one line", async () => {
    const ids = await rotate("fed-ocam");
    const full = JSON.stringify(ids.directory, null, 2);
    // Caught mid-copy: the first half of the new directory.
    await writeFile(inDeployment("directory.json"), full.slice(0, full.length / 2));
    await waitFor(() => linesWith(DIRECTORY_IGNORED).length === 1, { what: `the run process to report the half-written directory (stderr: ${mechelen.stderr()})` });
    await handOver("directory.json", ids.directory);
    await waitFor(() => linesWith(DIRECTORY_TAKEN_UP).length === 2, { what: "the run process to take up the complete directory" });

    const ocam = await busOf(ids, "fed-ocam");
    const posted = await postNotice(ocam, { to: ["mechelen"], title: "Signed with the new key", body: "After the rotation.", category: "event-warning" });
    await receiptFor(posted.noticeId);
    expect(linesWith(DIRECTORY_IGNORED)).toHaveLength(1);
  });

  it("cli - run: after its own rotation the server refuses its old key; refused, it keeps trying, and reconnects once the new credentials file is handed over; its next message verifies with the new key", async () => {
    const oldSeed = (JSON.parse(await readFile(inDeployment("mechelen.creds.json"), "utf8")) as OrgCredentials).seed;
    // On the bus's side: `identities rotate mechelen` (the server refuses the old key and closes its connection).
    const ids = await rotate("mechelen");
    const newKey = userNkeyOfSeed(creds(ids, "mechelen").seed);
    expect(await refused(oldSeed)).toBe(true);
    // The new file reaches mechelen's own machine later: until then every attempt is refused (more than the two that close a fixed connection).
    const refusals = async () => (await readFile(logFile, "utf8")).split("\n").filter((l) => l.includes("bus connection error") && l.includes("Authorization Violation")).length;
    await waitFor(async () => (await refusals()) >= 3, { what: `the run process to be refused a few times (stderr: ${mechelen.stderr()})`, timeoutMs: 15_000 });
    await waitFor(async () => !(await consoleReadiness()).ready, { what: "mechelen's console to lose the bus with the old key", timeoutMs: 15_000 });
    await handOver("mechelen.creds.json", creds(ids, "mechelen"));
    await handOver("directory.json", ids.directory);
    await waitFor(async () => (await readFile(logFile, "utf8")).includes("reconnected to the bus"), { what: `mechelen to reconnect (stderr: ${mechelen.stderr()})` });
    expect(linesWith(/new credentials in \S+ taken up/)).toHaveLength(1);
    // Its console follows the same file: refused like the services, it is back on the bus with the new key.
    await waitFor(async () => (await consoleReadiness()).ready, { what: `mechelen's console to reconnect (readyz: ${JSON.stringify(await consoleReadiness())}; stderr: ${mechelen.stderr()})`, timeoutMs: 15_000 });

    const ocam = await busOf(ids, "fed-ocam");
    const posted = await postNotice(ocam, { to: ["mechelen"], title: "After mechelen's rotation", body: "Answer with the new key.", category: "event-warning" });
    const receipt = await receiptFor(posted.noticeId);
    const raw = await (await s.jsm()).streams.getMessage(streamOfRoot(rootOfType("notice.delivered")), { seq: receipt.seq });
    const verdict = verifyStored({ directory: new KeyDirectory(ids.directory), skewMs: DEFAULT_SKEW_MS }, { subject: raw!.subject, body: raw!.data, headers: raw!.header, storedAt: raw!.time });
    expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
    expect((receipt.envelope as unknown as { signingkey: string }).signingkey).toBe(newKey);
    expect(mechelen.stderr()).not.toMatch(/schakel run:/);
  });
});
