/**
 * The crypto pool against a real, secured bus: a consumption that verifies a backlog's signatures
 * in worker threads accepts and refuses exactly what the inline path does (a forged signature, a
 * signature of the wrong length, a key that is not the sender's), runs its handlers in stream
 * order, files its refusals, and ends the pool's threads when the bus closes.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { jetstream } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { inboxConsumers, sampleData } from "@schakel/contracts";
import { CRYPTO_WORKERS_VARIABLE, cryptoPoolStats, cryptoWorkersFrom, encodeSignature, HEADERS, signingBytes, verifyStored, type Bus, type ConsumeEvent } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { deadLetters, fileBus, waitForDrained } from "./helpers.ts";

// One worker whatever the machine's cores, so the pool path runs here.
process.env[CRYPTO_WORKERS_VARIABLE] = "1";

const t = fileBus({ ocam: "fed-ocam", antwerpen: "antwerpen" });
const INBOX = inboxConsumers("mechelen", "local").find((c) => c.name === "mechelen--mechelen")!;

/** Stores `n` messages from fed-ocam to mechelen; every 7th one is refused, in turn forged, cut short or signed with another organisation's key. */
async function storeBacklog(n: number): Promise<{ seq: number; refused: boolean }[]> {
  const js = jetstream(await t.s.rawAs("fed-ocam"));
  const stored: { seq: number; refused: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    const out = t.ocam.prepare("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const h = natsHeaders();
    for (const name of out.headers.keys()) h.set(name, out.headers.get(name));
    const kind = i % 7 === 3 ? (i % 3 === 0 ? "forged" : i % 3 === 1 ? "short" : "other-key") : "good";
    if (kind === "forged") h.set(HEADERS.signature, encodeSignature(t.ocam.identity.sign(signingBytes(out.subject, new TextEncoder().encode("other bytes")))));
    if (kind === "short") h.set(HEADERS.signature, encodeSignature(t.ocam.identity.sign(signingBytes(out.subject, out.body)).subarray(0, 63)));
    if (kind === "other-key") h.set(HEADERS.signature, encodeSignature(t.antwerpen.identity.sign(signingBytes(out.subject, out.body))));
    const ack = await js.publish(out.subject, out.body, { headers: h, msgID: out.envelope.id });
    stored.push({ seq: ack.seq, refused: kind !== "good" });
  }
  return stored;
}

/** Consumes mechelen's own inbox until it is drained: the seqs its handler saw, in order, and the refusals. */
async function consumeAll(bus: Bus, verifyInWorkers: boolean): Promise<{ handled: number[]; rejected: { seq: number; reason: string; filed: boolean }[] }> {
  const handled: number[] = [];
  const events: ConsumeEvent[] = [];
  const c = bus.consume({ consumers: [INBOX], verifyInWorkers, handlers: { "notice.posted": (d) => void handled.push(d.seq) }, onEvent: (e) => events.push(e) });
  await waitForDrained(await t.s.jsm(), INBOX.stream, INBOX.name, 30_000);
  await c.stop();
  const rejected = events.flatMap((e) => (e.kind === "rejected" ? [{ seq: e.seq, reason: e.rejection.reason, filed: e.filed }] : []));
  return { handled, rejected };
}

describe("bus - crypto pool", () => {
  it("crypto pool - a backlog verified in a worker is accepted, refused and handled in order exactly as inline", async () => {
    const mechelen = await t.s.connectAs("mechelen");
    // The pool's worker starts at the first backlog (verified inline while it loads its code).
    await consumeAll(mechelen, true);
    expect(cryptoPoolStats()).toMatchObject({ leases: 1, running: 0 });
    await storeBacklog(20);
    await consumeAll(mechelen, true);
    await waitFor(() => cryptoPoolStats().ready === 1, { what: "the crypto worker to be ready" });
    const verifiedBefore = cryptoPoolStats().verified;

    const stored = await storeBacklog(150);
    const { handled, rejected } = await consumeAll(mechelen, true);

    // The pool verified part of the backlog (else this test would prove nothing about it).
    expect(cryptoPoolStats().verified).toBeGreaterThan(verifiedBefore);
    // What the inline path makes of each stored message, read by the admin.
    const jsm = await t.s.jsm();
    const inline = await Promise.all(stored.map(async ({ seq }) => {
      const m = await jsm.streams.getMessage(INBOX.stream, { seq });
      return { seq, verdict: verifyStored(mechelen, { subject: m!.subject, body: m!.data, headers: m!.header, storedAt: new Date(m!.timestamp) }) };
    }));
    expect(inline.filter((x) => x.verdict.ok).map((x) => x.seq)).toEqual(stored.filter((x) => !x.refused).map((x) => x.seq));
    // Handlers ran once per accepted message, in stream order.
    expect(handled).toEqual(inline.filter((x) => x.verdict.ok).map((x) => x.seq));
    // Refusals: the same messages, the same reasons, each filed as a dead letter.
    const refusedInline = inline.flatMap((x) => (x.verdict.ok ? [] : [{ seq: x.seq, reason: x.verdict.rejection.reason, filed: true }]));
    expect(refusedInline.map((r) => r.reason)).toContain("forged");
    expect(rejected).toEqual(refusedInline);
    const ofBacklog = new Set(stored.map((x) => x.seq));
    const filed = (await deadLetters(jsm)).filter((r) => r.consumer === INBOX.name && ofBacklog.has(r.sourceSeq));
    expect(filed.map((r) => [r.sourceSeq, r.reason])).toEqual(refusedInline.map((r) => [r.seq, r.reason]));

    // The inline path over a second backlog of the same shape gives the same outcome.
    const again = await storeBacklog(150);
    const inlineRun = await consumeAll(mechelen, false);
    expect(inlineRun.handled).toEqual(again.filter((x) => !x.refused).map((x) => x.seq));
    expect(inlineRun.rejected.map((r) => r.reason)).toEqual(rejected.map((r) => r.reason));

    // Closing the bus gives its lease back: the last one, so the worker thread ends.
    expect(cryptoPoolStats().leases).toBe(1);
    await mechelen.close();
    await waitFor(() => cryptoPoolStats().running === 0, { what: "the crypto worker to exit" });
    expect(cryptoPoolStats()).toMatchObject({ workers: 0, leases: 0 });
  });

  it("crypto pool - a reader process whose pool started ends by itself once its bus is closed", async () => {
    const stored = await storeBacklog(120);
    const child = fork(fileURLToPath(new URL("./processes/crypto-pool-reader.ts", import.meta.url)), [], {
      execArgv: ["--import", "tsx"], env: { ...process.env, [CRYPTO_WORKERS_VARIABLE]: "1" }, stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const report = new Promise<{ handled?: number; error?: string }>((r) => child.once("message", r));
    child.send({
      url: t.s.url, credentials: t.s.identities.organisations.get("mechelen"), directory: t.s.identities.directory,
      consumer: INBOX, count: stored.filter((x) => !x.refused).length,
    });
    try {
      expect(await report).toEqual({ handled: stored.filter((x) => !x.refused).length, verified: expect.any(Number) });
      // Nothing of the pool (worker thread, linger timer) keeps it: it exits on its own, with 0.
      await waitFor(() => child.exitCode !== null, { timeoutMs: 15_000, what: `the reader process to exit by itself (stderr: ${stderr.slice(-300)})` });
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("crypto pool - the number of workers is a whole number, a bad value is refused naming the variable", () => {
    expect(cryptoWorkersFrom({ [CRYPTO_WORKERS_VARIABLE]: "0" })).toBe(0);
    expect(cryptoWorkersFrom({ [CRYPTO_WORKERS_VARIABLE]: " 3 " })).toBe(3);
    expect(cryptoWorkersFrom({})).toBeGreaterThanOrEqual(0);
    expect(() => cryptoWorkersFrom({ [CRYPTO_WORKERS_VARIABLE]: "two" })).toThrow(/SCHAKEL_CRYPTO_WORKERS "two"/);
    expect(() => cryptoWorkersFrom({ [CRYPTO_WORKERS_VARIABLE]: "-1" })).toThrow(expect.objectContaining({ code: "schema" }));
  });
});
