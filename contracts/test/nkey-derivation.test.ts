/**
 * Public nkeys and the connection's nonce answer on node:crypto: the same keys and signatures as the
 * nkeys library (which derives and signs in pure JS, milliseconds each), and a server that checks
 * the answer accepts it. Public key objects are built from the raw key as a JWK (not an SPKI
 * document, which OpenSSL 3 decodes eight times slower): the same keys either way.
 */
import { createPublicKey, diffieHellman, generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCurve, createUser, fromCurveSeed, fromPublic, fromSeed } from "@nats-io/nkeys";
import {
  curveNkeyOfSeed, ed25519PrivateKey, ed25519PublicKey, rawPublicKey, seedAuthenticator, userNkeyOfSeed, x25519FromRaw, x25519PrivateKey, x25519PublicKey,
} from "@schakel/contracts/bus";
import { rawX25519 } from "../src/bus/nkey-codec.ts";
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

  it("nkeys - a public nkey's key object is the key the SPKI document names: it verifies the nkeys library's signatures and agrees on X25519 secrets", () => {
    const spki = (prefix: string, raw: Uint8Array) => createPublicKey({ key: Buffer.concat([Buffer.from(prefix, "hex"), raw]), format: "der", type: "spki" });
    for (let i = 0; i < 10; i++) {
      const user = fromSeed(createUser().getSeed());
      const curve = fromCurveSeed(createCurve().getSeed());
      const userKey = ed25519PublicKey(user.getPublicKey());
      const curveKey = x25519PublicKey(curve.getPublicKey());
      expect(userKey.equals(spki("302a300506032b6570032100", rawPublicKey(user.getPublicKey())))).toBe(true);
      expect(curveKey.equals(spki("302a300506032b656e032100", rawPublicKey(curve.getPublicKey())))).toBe(true);
      const signed = enc.encode(`message ${i}`);
      expect(verify(null, signed, userKey, user.sign(signed))).toBe(true);
      expect(verify(null, enc.encode("another message"), userKey, user.sign(signed))).toBe(false);
      // An ephemeral key sent as its raw bytes and read back gives both sides the same secret.
      const ephemeral = generateKeyPairSync("x25519");
      const sent = rawX25519(ephemeral.publicKey);
      expect(sent).toHaveLength(32);
      const curvePrivate = x25519PrivateKey(dec.decode(curve.getSeed()));
      expect(diffieHellman({ privateKey: curvePrivate, publicKey: x25519FromRaw(sent) })).toEqual(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: curveKey }));
    }
    expect(() => x25519FromRaw(new Uint8Array(31))).toThrow();
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
