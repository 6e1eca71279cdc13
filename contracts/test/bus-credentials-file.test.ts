/**
 * An organisation's credentials file followed while its process runs (credentials-file.ts): a
 * rotated seed is taken up, by the file's poll or when the connection asks before authenticating;
 * a half-written file or another organisation's is reported once and the credentials held stay.
 * The whole path against a real server and `schakel run`: services/cli/test/run-key-changes.test.ts.
 */
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCurve, createUser } from "@nats-io/nkeys";
import { changingSeedAuthenticator, CredentialsFile, userNkeyOfSeed, type OrgCredentials } from "@schakel/contracts/bus";
import type { SchakelError } from "@schakel/contracts";
import { waitFor } from "@schakel/harness";

const dec = new TextDecoder();
const credentialsOf = (org: string, curveSeed = dec.decode(createCurve().getSeed())): OrgCredentials =>
  ({ org, seed: dec.decode(createUser().getSeed()), curveSeed });

let dir: string;
let path: string;
const following: CredentialsFile[] = [];

/** Replaces the file whole (written beside it, renamed over it). */
async function put(value: unknown): Promise<void> {
  await writeFile(`${path}.new`, typeof value === "string" ? value : JSON.stringify(value));
  await rename(`${path}.new`, path);
}

/** mechelen's first credentials, put in the file, which is then followed with `opts`. */
async function followFirst(opts: Parameters<typeof CredentialsFile.follow>[2]): Promise<{ first: OrgCredentials; file: CredentialsFile }> {
  const first = credentialsOf("mechelen");
  await put(first);
  const file = CredentialsFile.follow(path, first, opts);
  following.push(file);
  return { first, file };
}

const rotatedFrom = (c: OrgCredentials): OrgCredentials => ({ ...c, seed: dec.decode(createUser().getSeed()) });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "schakel-creds-"));
  path = join(dir, "mechelen.creds.json");
});
afterEach(async () => {
  for (const f of following.splice(0)) f.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("credentials - a followed credentials file", () => {
  it("credentials - a rotated seed is taken up when asked before authenticating, and the authenticator answers with the new key", async () => {
    const changes: OrgCredentials[] = [];
    // Polled rarely: here the refresh before authenticating must find the new seed on its own.
    const { first, file } = await followFirst({ intervalMs: 60_000, onChange: (c) => changes.push(c) });
    const authenticate = changingSeedAuthenticator(() => file.refresh().seed);
    expect((authenticate("nonce-1") as { nkey: string }).nkey).toBe(userNkeyOfSeed(first.seed));

    const rotated = rotatedFrom(first);
    await put(rotated);
    expect((authenticate("nonce-2") as { nkey: string }).nkey).toBe(userNkeyOfSeed(rotated.seed));
    expect(file.current()).toEqual(rotated);
    expect(changes).toEqual([rotated]);
  });

  it("credentials - the file's poll takes up a change without being asked", async () => {
    const { first, file } = await followFirst({ intervalMs: 50 });
    const rotated = rotatedFrom(first);
    await put(rotated);
    await waitFor(() => file.current().seed === rotated.seed, { what: "the poll to take up the rotated seed", timeoutMs: 5_000 });
  });

  it("credentials - a half-written file or another organisation's is reported once, naming the file, and the credentials held stay", async () => {
    const problems: SchakelError[] = [];
    const { first, file } = await followFirst({ intervalMs: 60_000, onError: (e) => problems.push(e) });

    const text = JSON.stringify(rotatedFrom(first));
    await put(text.slice(0, text.length / 2));
    expect(file.refresh()).toEqual(first);
    expect(file.refresh()).toEqual(first);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(`credentials file ${path} cannot be read as JSON`);

    await put(credentialsOf("gent"));
    expect(file.refresh()).toEqual(first);
    expect(problems).toHaveLength(2);
    expect(problems[1]!.message).toContain(`now holds the credentials of "gent", not "mechelen"`);

    await put({ ...first, seed: "SUNOTASEED" });
    expect(file.refresh()).toEqual(first);
    expect(problems[2]!.message).toMatch(/is invalid \(seed\)/);
  });
});
