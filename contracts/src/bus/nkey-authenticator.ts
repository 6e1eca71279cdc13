/**
 * Answering the server's nonce with an nkey, on node:crypto. nats.js's `nkeyAuthenticator` signs
 * in pure JS (the nkeys library): about 15 ms of CPU per connection, so hundreds of organisations
 * connecting at start-up kept one core busy for seconds. Same answer, same wire form (the public
 * key and a standard base64 ed25519 signature of the nonce).
 */
import { sign } from "node:crypto";
import type { Authenticator } from "@nats-io/transport-node";
import { ed25519PrivateKey, userNkeyOfSeed } from "./nkey-codec.ts";

/** The authenticator of a user seed (SU…); the key objects are built once, not per connect. */
export function seedAuthenticator(seed: string): Authenticator {
  const privateKey = ed25519PrivateKey(seed);
  const nkey = userNkeyOfSeed(seed);
  return (nonce) => ({ nkey, sig: nonce ? sign(null, new TextEncoder().encode(nonce), privateKey).toString("base64") : "" });
}

/**
 * The authenticator of a seed that may change while the connection lives (a rotated key):
 * `seedNow()` is asked at every connect and reconnect, and the key objects are built again only
 * when it gives another seed.
 */
export function changingSeedAuthenticator(seedNow: () => string): Authenticator {
  let seed: string | undefined;
  let answer: Authenticator | undefined;
  return (nonce) => {
    const now = seedNow();
    if (!answer || now !== seed) {
      answer = seedAuthenticator(now);
      seed = now;
    }
    return answer(nonce);
  };
}
