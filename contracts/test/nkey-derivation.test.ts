/**
 * Public nkeys and the connection's nonce answer on node:crypto: the same keys and signatures as the
 * nkeys library (which derives and signs in pure JS, milliseconds each), and a server that checks
 * the answer accepts it.
 */
import { describe, expect, it } from "vitest";
import { createCurve, createUser, fromCurveSeed, fromPublic, fromSeed } from "@nats-io/nkeys";
import { curveNkeyOfSeed, ed25519PrivateKey, seedAuthenticator, userNkeyOfSeed, x25519PrivateKey } from "@schakel/contracts/bus";
import { startSchakelServer } from "@schakel/harness";

const dec = new TextDecoder();
const enc = new TextEncoder();

describe("nkeys on node:crypto", () => {
  it("nkeys - the public user and curve keys of a seed are the nkeys library's, and each key object is built once", () => {
    for (let i = 0; i < 25; i++) {
      const user = dec.decode(createUser().getSeed());
      const curve = dec.decode(createCurve().getSeed());
      expect(userNkeyOfSeed(user)).toBe(fromSeed(enc.encode(user)).getPublicKey());
      expect(curveNkeyOfSeed(curve)).toBe(fromCurveSeed(enc.encode(curve)).getPublicKey());
      expect(ed25519PrivateKey(user)).toBe(ed25519PrivateKey(user));
      expect(x25519PrivateKey(curve)).toBe(x25519PrivateKey(curve));
    }
  });

  it("nkeys - a seed that is not an nkey is refused, not turned into a key", () => {
    expect(() => userNkeyOfSeed("SUNOTANKEY")).toThrow(/nkey/);
  });

  it("nkeys - the nonce answer is the user's key and an ed25519 signature the nkeys library verifies", () => {
    const seed = dec.decode(createUser().getSeed());
    const answer = seedAuthenticator(seed)("a-server-nonce") as { nkey: string; sig: string };
    expect(answer.nkey).toBe(fromSeed(enc.encode(seed)).getPublicKey());
    expect(fromPublic(answer.nkey).verify(enc.encode("a-server-nonce"), Uint8Array.from(Buffer.from(answer.sig, "base64")))).toBe(true);
    expect(fromPublic(answer.nkey).verify(enc.encode("another-nonce"), Uint8Array.from(Buffer.from(answer.sig, "base64")))).toBe(false);
  });

  it("nkeys - a secured server accepts an organisation that connects with it", async () => {
    await using s = await startSchakelServer();
    const bus = await s.connectAs("mechelen");
    expect(bus.identity.publicKey).toBe(s.identities.directory.organisations.find((o) => o.id === "mechelen")!.signingKeys.at(-1)!.key);
    expect(bus.isClosed).toBe(false);
  });
});
