/**
 * A file written whole: a reader polling it while it is rewritten sees the old text or the new one,
 * never part of either; two writes at once leave one of them whole; no partial file stays behind;
 * a failed write leaves none either; the mode asked for is the file's; a symbolic link is written
 * through and stays a link.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeWhole } from "../src/write-whole.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "schakel-write-whole-"));
  dirs.push(dir);
  return dir;
}

/** A JSON text of about `kb` kilobytes, tagged so a reader can tell which write it came from. */
const text = (tag: string, kb: number): string => JSON.stringify({ tag, filler: "x".repeat(kb * 1024) }) + "\n";

describe("write whole", () => {
  it("write whole - a reader polling a 1 MB file while it is rewritten twenty times only ever reads whole texts", async () => {
    const path = join(await folder(), "directory.json");
    await writeWhole(path, text("w0", 1024));
    const seen = new Set<string>();
    let torn = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        try {
          seen.add((JSON.parse(readFileSync(path, "utf8")) as { tag: string }).tag);
        } catch {
          torn++;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 1; i <= 20; i++) await writeWhole(path, text(`w${i}`, 1024));
    writing = false;
    await reader;
    expect(torn).toBe(0);
    expect(seen.size).toBeGreaterThan(1);
    expect((JSON.parse(readFileSync(path, "utf8")) as { tag: string }).tag).toBe("w20");
  });

  it("write whole - two writes at once leave one whole text, no partial file, and the mode asked for", async () => {
    const dir = await folder();
    const path = join(dir, "fed-ocam.creds.json");
    await Promise.all([writeWhole(path, text("a", 512), 0o600), writeWhole(path, text("b", 512), 0o600)]);
    expect(["a", "b"]).toContain((JSON.parse(readFileSync(path, "utf8")) as { tag: string }).tag);
    expect(readdirSync(dir)).toEqual(["fed-ocam.creds.json"]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("write whole - a write that fails leaves what was there and no partial file behind", async () => {
    const dir = await folder();
    const path = join(dir, "connection.json");
    await writeWhole(path, text("before", 1));
    // The target is a folder now: the rename fails after the partial file was written.
    await rm(path);
    await mkdir(path);
    await writeFile(join(path, "inside"), "x");
    await expect(writeWhole(path, text("after", 1))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(["connection.json"]);
    expect(readdirSync(path)).toEqual(["inside"]);
  });

  it("write whole - through a symbolic link: the file it points to is replaced, the link stays", async () => {
    const dir = await folder();
    await mkdir(join(dir, "server"));
    const real = join(dir, "server", "nats.conf");
    await writeFile(real, "port: 4222\n");
    const link = join(dir, "nats.conf");
    await symlink(real, link);
    await writeWhole(link, "port: 4333\n");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toBe("port: 4333\n");
    expect(readdirSync(join(dir, "server"))).toEqual(["nats.conf"]);
  });
});
