/**
 * The entry of a crypto pool worker (crypto-pool.ts): verifies ed25519 signatures of a chunk of
 * messages off the event-loop thread. Its own file, so that a build compiles it beside the pool
 * and plain node runs it; under tsx the pool loads it through tsx's loader.
 *
 * A chunk is one transferred buffer holding, per message, the exact signed bytes
 * (`"schakel-sig-v1\n" + subject + "\n" + body`, signature.ts) followed by the 64 signature bytes,
 * and the offsets of each part. For each message the worker reads the envelope's `signingkey`
 * from the body and verifies with that key. It answers with the key it used and the outcome; it
 * decides nothing else: the event-loop thread still runs the whole decode path (decode.ts), checks
 * that the key the directory accepted is the one named here, and uses the outcome only then.
 */
import { verify as edVerify, type KeyObject } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { CRYPTO_WORKER_ROLE, KEY_LENGTH, STATE, type VerifiedChunk, type VerifyChunk } from "./crypto-chunk.ts";
import { ed25519PublicKey } from "./nkey-codec.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });
const keys = new Map<string, KeyObject | null>();

function keyOf(nkey: string): KeyObject | null {
  let key = keys.get(nkey);
  if (key === undefined) {
    try {
      key = ed25519PublicKey(nkey);
    } catch {
      key = null;
    }
    // A sender has a handful of keys; a forged message may name anything: keep the cache bounded.
    if (keys.size > 1_000) keys.clear();
    keys.set(nkey, key);
  }
  return key;
}

/** The envelope's `signingkey` when it has the form of one (56 characters), else "". */
function signingKeyIn(body: Uint8Array): string {
  try {
    const json = JSON.parse(decoder.decode(body)) as { signingkey?: unknown } | null;
    return typeof json?.signingkey === "string" && /^U[A-Z2-7]{55}$/.test(json.signingkey) ? json.signingkey : "";
  } catch {
    return "";
  }
}

/**
 * Verifies the messages of `chunk` nobody took yet, last first: the event-loop thread takes them
 * first to last, so the two meet in the middle and neither waits for the other.
 */
export function verifyChunk(chunk: VerifyChunk): VerifiedChunk {
  const all = new Uint8Array(chunk.bytes);
  let verified = 0;
  for (let i = chunk.state.length - 1; i >= 0; i--) {
    if (Atomics.compareExchange(chunk.state, i, STATE.open, STATE.worker) !== STATE.open) continue;
    const [start, length, bodyAt, sigAt] = [chunk.layout[4 * i]!, chunk.layout[4 * i + 1]!, chunk.layout[4 * i + 2]!, chunk.layout[4 * i + 3]!];
    const signed = all.subarray(start, start + length);
    const name = signingKeyIn(signed.subarray(bodyAt));
    const key = name ? keyOf(name) : null;
    const ok = key !== null && sigAt >= 0 && edVerify(null, signed, key, all.subarray(sigAt, sigAt + 64));
    if (name) chunk.keys.set(Buffer.from(name, "latin1"), i * KEY_LENGTH);
    Atomics.store(chunk.state, i, ok ? STATE.valid : STATE.invalid);
    Atomics.notify(chunk.state, i);
    verified++;
  }
  return { id: chunk.id, verified };
}

// Only in a thread the pool started (imported anywhere else, this module does nothing).
if (parentPort && (workerData as { role?: string } | undefined)?.role === CRYPTO_WORKER_ROLE) {
  const port = parentPort;
  port.on("message", (chunk: VerifyChunk) => port.postMessage(verifyChunk(chunk)));
  port.postMessage({ ready: true });
}
