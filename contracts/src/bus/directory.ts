/**
 * The public key directory as receivers use it: who exists, at which level, with which signing
 * keys (and since when a key is revoked) and which sealing key. Built from the generated
 * directory file; `replace()` swaps in a new one (after a rotation) without a restart.
 */
import { readFileSync, unwatchFile, watchFile, type Stats } from "node:fs";
import type { KeyObject } from "node:crypto";
import { SchakelError } from "../errors.ts";
import { Directory, type DirectoryEntry } from "../organisation.ts";
import { AUDIENCE_GROUPS } from "../vocabulary.ts";
import { ed25519PublicKey, x25519PublicKey } from "./nkey-codec.ts";

/** Whether `audience` names a group (all, local, flemish, federal, supralocal) rather than an organisation. */
const isGroup = (audience: string): boolean => (AUDIENCE_GROUPS as readonly string[]).includes(audience);
/** Whether the group `group` holds `org`: every member for `all`, the members of that level otherwise. */
const inGroup = (group: string, org: DirectoryEntry): boolean => group === "all" || org.level === group;

export type KeyCheck =
  | { ok: true; key: KeyObject }
  | { ok: false; reason: "unknown-organisation" | "unknown-key" | "revoked-key"; detail: string };

/** Whether a followed file was written or replaced between two polls (not only read). */
export function fileChanged(now: Stats, before: Stats): boolean {
  return now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino;
}

export class KeyDirectory {
  #byId = new Map<string, DirectoryEntry>();
  /** Members and organisations that left: only their keys are still looked up (what they stored before verifies). */
  #withFormer = new Map<string, DirectoryEntry>();
  #verifiers = new Map<string, KeyObject>();
  #sealing = new Map<string, KeyObject>();

  constructor(directory: Directory) {
    this.replace(directory);
  }

  /** Reads and validates a directory file (written by `schakel identities generate`). */
  static fromFile(path: string): KeyDirectory {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, "utf8"));
    } catch (cause) {
      throw new SchakelError("unknown-organisation", `cannot read the key directory ${path}: run "schakel up" or "schakel identities generate" first`, { path }, { cause });
    }
    const parsed = Directory.safeParse(raw);
    if (!parsed.success) {
      throw new SchakelError("schema", `the key directory ${path} is invalid: ${parsed.error.issues.map((i) => i.path.join(".") + " " + i.message).join("; ")}`, { path });
    }
    return new KeyDirectory(parsed.data);
  }

  /**
   * Follows a directory file: each time it changes (a rotation, a revocation, a new organisation)
   * the new directory replaces this one, without a restart, and `onReplaced` is told. A file that
   * does not parse (e.g. half-written) is reported once per change and ignored (the current
   * directory stays). Returns a function that stops following.
   */
  watchFile(path: string, onError: (err: Error) => void = () => {}, intervalMs = 1_000, onReplaced: (directory: KeyDirectory) => void = () => {}): () => void {
    const listener = (now: Stats, before: Stats): void => {
      // fs.watchFile also reports reads (access time): only a changed file is read again.
      if (!fileChanged(now, before)) return;
      try {
        this.replaceFromFile(path);
      } catch (err) {
        onError(err as Error);
        return;
      }
      onReplaced(this);
    };
    watchFile(path, { interval: intervalMs, persistent: false }, listener);
    return () => unwatchFile(path, listener);
  }

  #directory: Directory = { generatedAt: new Date(0).toISOString(), organisations: [] };

  /**
   * Reads the directory file again and puts it in place of this one now (a caller that must not
   * wait for {@link watchFile}'s next poll).
   * @throws SchakelError as {@link fromFile}; this directory is then left as it was.
   */
  replaceFromFile(path: string): void {
    this.replace(KeyDirectory.fromFile(path).#directory);
  }

  replace(directory: Directory): void {
    this.#directory = directory;
    this.#withFormer = new Map(directory.organisations.map((o) => [o.id, o]));
    this.#byId = new Map(directory.organisations.filter((o) => !o.leftAt).map((o) => [o.id, o]));
    this.#sealing.clear();
  }

  /** The members: organisations that left the registry are not among them. */
  get organisations(): DirectoryEntry[] {
    return [...this.#byId.values()];
  }

  organisation(id: string): DirectoryEntry | undefined {
    return this.#byId.get(id);
  }

  /** A member, or an organisation that has left: who stored messages are read against (roles, places). */
  memberOrFormer(id: string): DirectoryEntry | undefined {
    return this.#withFormer.get(id);
  }

  /** The organisation, or an error that names it and lists what exists (or when it left). */
  require(id: string): DirectoryEntry {
    const org = this.#byId.get(id);
    if (!org) {
      const left = this.#withFormer.get(id)?.leftAt;
      if (left) throw new SchakelError("unknown-organisation", `organisation "${id}" left the registry at ${left}: it is no longer addressed or served`, { org: id });
      throw new SchakelError("unknown-organisation", `unknown organisation "${id}"; known: ${[...this.#byId.keys()].join(", ")}`, { org: id });
    }
    return org;
  }

  /** The audiences an organisation belongs to: itself, its level, and all. */
  audiencesOf(id: string): string[] {
    const org = this.require(id);
    return [org.id, org.level, "all"];
  }

  /** True when `audience` is a group or a known organisation. */
  isAudience(audience: string): boolean {
    return isGroup(audience) || this.#byId.has(audience);
  }

  /**
   * Whether `audience` (an organisation id or a group) reaches the member `id`: what
   * `members(audience)` holds, asked of one organisation without listing them all. A service asks
   * it of every message it reads; at 600 organisations the list was 600 entries per message and
   * organisation.
   */
  reaches(audience: string, id: string): boolean {
    const org = this.#byId.get(id);
    if (!org) return false;
    return audience === id || (isGroup(audience) && inGroup(audience, org));
  }

  /** Organisations a given audience reaches. */
  members(audience: string): DirectoryEntry[] {
    if (isGroup(audience)) return this.organisations.filter((o) => inGroup(audience, o));
    const org = this.#byId.get(audience);
    return org ? [org] : [];
  }

  /** Is `key` a signing key of `org` that was valid at `at` (the broker's storage time)? */
  checkSigningKey(org: string, key: string, at: Date): KeyCheck {
    const entry = this.#withFormer.get(org);
    if (!entry) return { ok: false, reason: "unknown-organisation", detail: `sender "${org}" is not in the directory` };
    const registered = entry.signingKeys.find((k) => k.key === key);
    if (!registered) return { ok: false, reason: "unknown-key", detail: `key ${key.slice(0, 10)}… is not a key of "${org}"` };
    if (registered.revokedAt && Date.parse(registered.revokedAt) <= at.getTime()) {
      return { ok: false, reason: "revoked-key", detail: `key ${key.slice(0, 10)}… of "${org}" was revoked at ${registered.revokedAt}` };
    }
    let verifier = this.#verifiers.get(key);
    if (!verifier) {
      verifier = ed25519PublicKey(key);
      this.#verifiers.set(key, verifier);
    }
    return { ok: true, key: verifier };
  }

  /** The X25519 key that content for `org` is sealed to. */
  sealingKeyOf(org: string): KeyObject {
    let key = this.#sealing.get(org);
    if (!key) {
      key = x25519PublicKey(this.require(org).sealingKey);
      this.#sealing.set(org, key);
    }
    return key;
  }
}
