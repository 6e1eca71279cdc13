/**
 * CPU cost of each stage of the bus's publish and consume paths, in µs per message, measured
 * in-process with the real functions on the benchmark's ~1 KB notice (no server, no I/O). It
 * tells which part of the gap to the crypto limit is whose, and shows an optimisation's effect
 * without the noise of a shared machine's network path.
 *
 *   tsx src/profile/stages.ts [iterations]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { verify } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { catalog, newMessageId, parseMessageSubject, RawEnvelope } from "@schakel/contracts";
import { buildOutgoing, decodeMessage, ed25519PublicKey, identityFrom, KeyDirectory, signingBytes, startProcessSpan, startSendSpan, verifySignature, wireContext } from "@schakel/contracts/bus";
import { ensureIdentities, loadRegistry } from "@schakel/infra";
import { noticeOfSizeFor } from "../payload.ts";

const iterations = Number(process.argv[2] ?? 20_000);
const dir = await mkdtemp(path.join(tmpdir(), "schakel-stages-"));
const ids = await ensureIdentities(loadRegistry(), dir);
await rm(dir, { recursive: true, force: true });
const directory = new KeyDirectory(ids.directory);
const identity = identityFrom(ids.organisations.get("fed-ocam")!);
const to = "mechelen";
const data = noticeOfSizeFor((d) => buildOutgoing(identity, directory, "notice.posted", d, { to }, wireContext()).body.length, 1024);
const out = buildOutgoing(identity, directory, "notice.posted", data, { to }, wireContext());
const signature = out.headers.get("Schakel-Signature");
const json = JSON.stringify(out.envelope);
const parsedJson = JSON.parse(json) as Record<string, unknown>;
const signed = signingBytes(out.subject, out.body);
const sigBytes = Buffer.from(signature.slice(8), "base64url");
const key = ed25519PublicKey(identity.publicKey);
const storedAt = new Date();
const ack = { stream: "COORD", seq: 1, duplicate: false };
const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** µs per call of `fn` over `n` calls. */
function cost(fn: () => unknown, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - t0) * 1000) / n;
}

const stages: [string, string, () => unknown][] = [
  ["publish", "data schema (zod safeParse)", () => catalog["notice.posted"].schema.safeParse(data)],
  ["publish", "message id (UUIDv7)", () => newMessageId()],
  ["publish", "trace context, no SDK (wireContext)", () => wireContext()],
  ["publish", "JSON.stringify + UTF-8 encode", () => encoder.encode(JSON.stringify(out.envelope))],
  ["publish", "signing bytes (concat prefix+subject+body)", () => signingBytes(out.subject, out.body)],
  ["publish", "ed25519 sign (node:crypto)", () => identity.sign(signed)],
  ["publish", "NATS headers (signature, traceparent)", () => { const h = natsHeaders(); h.set("Schakel-Signature", signature); h.set("traceparent", out.envelope.traceparent); return h; }],
  ["publish", "producer span, no SDK (start, built, stored, end)", () => {
    const span = startSendSpan({ type: "notice.posted", sender: "fed-ocam", audience: to, server: "127.0.0.1:4222" });
    span.built(out);
    span.stored(ack);
    span.end();
  }],
  ["publish", "buildOutgoing (all of the above but the span)", () => buildOutgoing(identity, directory, "notice.posted", data, { to }, wireContext())],
  ["consume", "UTF-8 decode + JSON.parse", () => JSON.parse(decoder.decode(out.body))],
  ["consume", "envelope schema (zod safeParse)", () => RawEnvelope.safeParse(parsedJson)],
  ["consume", "subject parse + checks", () => parseMessageSubject(out.subject)],
  ["consume", "signing key lookup", () => directory.checkSigningKey("fed-ocam", identity.publicKey, storedAt)],
  ["consume", "a sender's key object, first message (ed25519PublicKey)", () => ed25519PublicKey(identity.publicKey)],
  ["consume", "ed25519 verify (node:crypto), bare", () => verify(null, signed, key, sigBytes)],
  ["consume", "verifySignature (header decode + concat + verify)", () => verifySignature(key, out.subject, out.body, signature)],
  ["consume", "data schema (zod safeParse)", () => catalog["notice.posted"].schema.safeParse(parsedJson.data)],
  ["consume", "consumer span, no SDK (start, end)", () => startProcessSpan({
    type: "notice.posted", subject: out.subject, consumer: "feed", stream: "COORD", seq: 1, deliveryCount: 1, bodySize: out.body.length,
    envelope: out.envelope, receiver: to, server: "127.0.0.1:4222",
  }).end()],
  ["consume", "decodeMessage (all of the above but the span)", () => decodeMessage({ subject: out.subject, body: out.body, signature, storedAt }, { directory, skewMs: 300_000 })],
];
// Stages take turns in short slices, 9 rounds: on shared cores the minimum over rounds is the
// cost of the code, the median shows how much contention there was.
const ROUNDS = 9;
const slice = Math.max(100, Math.round(iterations / ROUNDS));
for (const [, , fn] of stages) cost(fn, slice / 5);
const samples = stages.map(() => [] as number[]);
for (let r = 0; r < ROUNDS; r++) stages.forEach(([, , fn], i) => samples[i]!.push(cost(fn, slice)));
const width = Math.max(...stages.map((r) => r[1].length));
process.stdout.write(`stage costs, µs per message (${ROUNDS} × ${slice} calls each, envelope ${out.body.length} B)\n`);
process.stdout.write(`${"".padEnd(8)} ${"stage".padEnd(width)} ${"min".padStart(8)} ${"median".padStart(8)}\n`);
stages.forEach(([side, stage], i) => {
  const s = samples[i]!.sort((a, b) => a - b);
  process.stdout.write(`${side.padEnd(8)} ${stage.padEnd(width)} ${s[0]!.toFixed(2).padStart(8)} ${s[ROUNDS >> 1]!.toFixed(2).padStart(8)}\n`);
});
