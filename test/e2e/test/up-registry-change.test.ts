/**
 * Adding and removing an organisation on a running bus. nats-server 2.9 wires an account only at
 * start, so `schakel identities generate` with a changed registry asks the running `schakel up` to
 * restart its server (same port, same store); `up` provisions the new organisation and starts its
 * service, or stops the service of one that left. Shown here, with a publisher sending notices to
 * mechelen through the restart: the new organisation receives and acknowledges a notice, the
 * existing services reconnected (every notice acknowledged by JetStream is delivered by mechelen's
 * service, each stored once), a rotated key is taken up by the running service without a restart,
 * and one that left is refused while what it stored still verifies.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newMessageId, SchakelError } from "@schakel/contracts";
import { connectBus, KeyDirectory, readCredentials, type Bus } from "@schakel/contracts/bus";
import { credentialsPath, DEFAULT_REGISTRY_PATH, directoryPath } from "@schakel/infra";
import { dataOf, eventually, schakel, startRunningBus, stopRunningBus, type Observed, type RunningBus } from "../src/mod.ts";

let bus: Partial<RunningBus> = {};
const cleanups: (() => void)[] = [];
const after = (cleanup: () => void): void => void cleanups.push(cleanup);
const NEWCOMER = { id: "bornem", name: "Gemeente Bornem", level: "local", roles: ["municipality", "livc-partner"], province: "antwerpen" };

beforeAll(async () => {
  bus = await startRunningBus("registry-change", ["--no-console"]);
});
afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await stopRunningBus(bus);
});

async function connectAs(dataDir: string, url: string, org: string): Promise<Bus> {
  const directory = KeyDirectory.fromFile(directoryPath(dataDir));
  const unwatch = directory.watchFile(directoryPath(dataDir), undefined, 100); // knows the organisations added while it runs
  after(unwatch);
  return connectBus({ servers: url, credentials: await readCredentials(credentialsPath(dataDir, org)), directory, name: `e2e-${org}` });
}

const notice = (title: string, to: string) => ({
  noticeId: newMessageId(), recipients: [to], category: "threat-assessment" as const, title, body: "Level 2 remains until further notice.",
  ackRequired: true, ackBy: new Date(Date.now() + 3_600_000).toISOString(),
});

/** Acknowledged by JetStream: the envelope's id and the notice's. */
interface Acked {
  id: string;
  noticeId: string;
}

/** Sends each notice to `to` until JetStream acknowledges it (same id: never stored twice), while `more()` holds. */
async function publishThrough(sender: Bus, to: string, more: () => boolean): Promise<Acked[]> {
  const acked: Acked[] = [];
  for (let i = 0; more() || i < 3; i++) {
    const data = notice(`Through the restart ${i}`, to);
    const out = sender.prepare("notice.posted", data, { to });
    for (;;) {
      try {
        acked.push({ id: (await sender.send(out)).id, noticeId: data.noticeId });
        break;
      } catch (err) {
        if (!(err instanceof SchakelError)) throw err;
        await new Promise((r) => setTimeout(r, 100)); // not acknowledged: maybe stored, maybe not; the same id again
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return acked;
}

const receiptOf = (noticeId: string, org: string) => (o: Observed) =>
  o.type === "notice.delivered" && dataOf(o).noticeId === noticeId && dataOf(o).recipient === org;

describe("e2e up registry change", () => {
  it("identities generate - an organisation added and removed on a running bus: restart, reconnect, nothing lost", async () => {
    const { dataDir, up, observer } = bus as RunningBus;
    const url = up.summary.url;
    const registryFile = join(dataDir, "registry-with-bornem.json");
    const registry = JSON.parse(readFileSync(DEFAULT_REGISTRY_PATH, "utf8")) as { organisations: object[] };
    await writeFile(registryFile, JSON.stringify({ organisations: [...registry.organisations, NEWCOMER] }));

    const ocam = await connectAs(dataDir, url, "fed-ocam");
    try {
      let changing = true;
      const published = publishThrough(ocam, "mechelen", () => changing);
      const added = await schakel(["identities", "generate", "--data", dataDir, "--registry", registryFile, "--json"]);
      changing = false;
      expect(added.code, added.stderr).toBe(0);
      const applied = JSON.parse(added.stdout) as { organisations: number; restarted: { ms: number; added: string[]; removed: string[]; started: string[] } };
      expect(applied.organisations).toBe(registry.organisations.length + 1);
      expect(applied.restarted).toMatchObject({ added: ["bornem"], removed: [], started: ["bornem"] });
      console.info(`restart to add an organisation: ${applied.restarted.ms} ms`);
      expect(up.output()).toMatch(/registry change: nats-server restarted in \d+\.\d s/);
      expect(up.output()).toMatch(/registry change: started the services of bornem/);
      expect(up.child.exitCode).toBeNull();

      // Nothing acknowledged is lost: mechelen's service delivered every notice, each stored once.
      const acked = await published;
      expect(acked.length).toBeGreaterThanOrEqual(3);
      for (const a of acked) await observer.waitFor(`mechelen's receipt of ${a.noticeId}`, receiptOf(a.noticeId, "mechelen"), 60_000);
      for (const a of acked) expect(observer.all((o) => o.type === "notice.posted" && o.envelope.id === a.id)).toHaveLength(1);

      // The new organisation is served: its service records and acknowledges receipt of a notice.
      const welcome = notice("Welcome to the platform", "bornem");
      await ocam.publish("notice.posted", welcome, { to: "bornem" });
      await observer.waitFor("bornem's receipt", receiptOf(welcome.noticeId, "bornem"));

      // A rotated key (a reload): the server closes mechelen's connection, and its service reconnects
      // with the new credentials file, without a restart (its receipts below are signed with it).
      const otherRegistry = await schakel(["identities", "rotate", "mechelen", "--data", dataDir]);
      expect(otherRegistry.code).toBe(2); // a rotation never changes who is a member
      expect(otherRegistry.stderr).toContain("it adds: none; it removes: bornem");
      const rotated = await schakel(["identities", "rotate", "mechelen", "--data", dataDir, "--registry", registryFile, "--json"]);
      expect(rotated.code, rotated.stderr).toBe(0);
      const { activeKey } = JSON.parse(rotated.stdout) as { activeKey: string };

      // Removed again: its service stops, its account is gone, and what it stored still verifies.
      const removed = await schakel(["identities", "generate", "--data", dataDir, "--json"]);
      expect(removed.code, removed.stderr).toBe(0);
      expect(JSON.parse(removed.stdout).restarted).toMatchObject({ added: [], removed: ["bornem"], stopped: ["bornem"] });
      const directory = JSON.parse(readFileSync(directoryPath(dataDir), "utf8")) as { organisations: { id: string; leftAt?: string }[] };
      expect(directory.organisations.find((o) => o.id === "bornem")?.leftAt).toEqual(expect.any(String));
      const bornem = await readCredentials(credentialsPath(dataDir, "bornem"));
      const refused = await connect({ servers: url, authenticator: nkeyAuthenticator(new TextEncoder().encode(bornem.seed)), reconnect: false })
        .then(async (nc) => (await nc.close(), undefined), (err: unknown) => err as Error);
      expect(refused?.message).toMatch(/authorization violation/i);
      const feed = await schakel(["feed", "--data", dataDir, "--as", "fed-ocam", "--type", "notice.delivered", "--json"]);
      expect(feed.code, feed.stderr).toBe(0);
      expect(feed.stdout).toContain(welcome.noticeId); // bornem's receipt, signed before it left, still reads

      // The existing services reconnected after the second restart too; mechelen's with its new key.
      const after = await publishThrough(ocam, "mechelen", () => false);
      for (const a of after) {
        const receipt = await observer.waitFor(`mechelen's receipt of ${a.noticeId}`, receiptOf(a.noticeId, "mechelen"));
        expect(receipt.envelope.signingkey).toBe(activeKey);
      }
    } finally {
      await ocam.close();
    }
    expect(await up.interrupt()).toBe(0);
    await eventually("up to have stopped", async () => up.child.exitCode !== null);
  });
});
