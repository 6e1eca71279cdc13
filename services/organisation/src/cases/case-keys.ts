/**
 * Where an organisation keeps its case keys: one file per case in `<data>/case-keys/<org>/`
 * (directory 0700, files 0600), outside every stream and bucket, so no backup of the bus ever
 * holds one. A case key exists only here, at the case's participants. Erasing a case overwrites
 * and removes its file. One file per case lets the service and the CLI (two processes) write
 * without losing each other's keys.
 *
 * Beside each key, while a participant waits for it, the private half of its one-time exchange
 * key (`<case>.exchange`), removed once the key arrived.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, closeSync, fsyncSync } from "node:fs";
import { join } from "node:path";
import { caseKeyId, x25519FromRaw, type Bus, type CaseKey } from "@schakel/contracts/bus";
import { SchakelError } from "@schakel/contracts";

/** An X25519 key pair made for one key exchange, the public half as base64url raw bytes. */
export interface ExchangeKey {
  publicKey: string;
  privateKey: KeyObject;
}

export class CaseKeyStore {
  constructor(readonly dir: string) {}

  #file(caseRef: string, kind: "key" | "exchange"): string {
    return join(this.dir, `${caseRef}.${kind}`);
  }

  #write(path: string, text: string): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }

  #destroy(path: string): void {
    if (!existsSync(path)) return;
    // Overwritten before it is removed, so the key's bytes do not linger in the file's blocks.
    const size = readFileSync(path).length;
    const fd = openSync(path, "r+");
    try {
      writeSync(fd, Buffer.alloc(size));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(path, { force: true });
  }

  /** The case's key, or undefined when this organisation does not hold it (erased, or not received yet). */
  get(caseRef: string): CaseKey | undefined {
    const path = this.#file(caseRef, "key");
    if (!existsSync(path)) return undefined;
    const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64url");
    return { id: caseKeyId(key), key };
  }

  /** Keeps a case's key (once: a key already held is kept). */
  put(caseRef: string, key: CaseKey): void {
    if (!this.get(caseRef)) this.#write(this.#file(caseRef, "key"), key.key.toString("base64url"));
  }

  /** Destroys the case's key and any exchange key; true when there was a key. */
  erase(caseRef: string): boolean {
    const had = existsSync(this.#file(caseRef, "key"));
    this.#destroy(this.#file(caseRef, "key"));
    this.#destroy(this.#file(caseRef, "exchange"));
    return had;
  }

  /** The one-time exchange key for `caseRef`, made (and kept) on first use. */
  exchangeKey(caseRef: string): ExchangeKey {
    const path = this.#file(caseRef, "exchange");
    if (existsSync(path)) {
      const jwk = JSON.parse(readFileSync(path, "utf8")) as { d: string; x: string };
      return { publicKey: jwk.x, privateKey: createPrivateKey({ key: { kty: "OKP", crv: "X25519", ...jwk }, format: "jwk" }) };
    }
    const pair = generateKeyPairSync("x25519");
    const jwk = pair.privateKey.export({ format: "jwk" }) as { d: string; x: string };
    this.#write(path, JSON.stringify({ d: jwk.d, x: jwk.x }));
    return { publicKey: jwk.x, privateKey: pair.privateKey };
  }

  /** The private half of the pending exchange key, if one is pending. */
  pendingExchange(caseRef: string): KeyObject | undefined {
    return existsSync(this.#file(caseRef, "exchange")) ? this.exchangeKey(caseRef).privateKey : undefined;
  }

  /** Destroys the exchange key (after the case key arrived). */
  endExchange(caseRef: string): void {
    this.#destroy(this.#file(caseRef, "exchange"));
  }
}

/** The public X25519 key object of an exchange key given as base64url raw bytes. */
export const exchangePublicKey = (x: string): KeyObject => x25519FromRaw(Buffer.from(x, "base64url"));

/** The case key folder of `org` in a data folder. */
export const caseKeyStoreAt = (dataDir: string, org: string): CaseKeyStore => new CaseKeyStore(join(dataDir, "case-keys", org));

const stores = new WeakMap<Bus, CaseKeyStore>();

/** Tells the case functions where the bus's organisation keeps its case keys (the service host and the CLI do, at connect). */
export function useCaseKeys(bus: Bus, store: CaseKeyStore): CaseKeyStore {
  stores.set(bus, store);
  return store;
}

/** Where the bus's organisation keeps its case keys; throws when nobody said. */
export function caseKeysOf(bus: Bus): CaseKeyStore {
  const store = stores.get(bus);
  if (!store) {
    throw new SchakelError("failed", `no case key folder is set for "${bus.org}": case keys live in the data folder (<data>/case-keys/${bus.org}); connect through the service host or the CLI`, { org: bus.org });
  }
  return store;
}
