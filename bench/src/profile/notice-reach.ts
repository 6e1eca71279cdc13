/**
 * A notice to every municipality on a running `schakel up` at N organisations, taken apart: when
 * each municipality's delivery receipt was stored, when the platform stored its record of each
 * (the server's storage times of both), and when the platform's read model (`noticeStatus`, as
 * `schakel notice status` asks it) first showed them all, with how long each of its reads took.
 * The figure to compare before and after a change on the platform's side of scenario 8.
 *
 *   tsx src/profile/notice-reach.ts [organisations] [notices] [pause before each, s]
 *
 * With CPU_PROFILE_DIR set, `up` writes a CPU profile there (node --cpu-prof); the pause marks each
 * notice in it as the idle stretch before.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect } from "@nats-io/transport-node";
import { audienceFilter, BUCKETS, STREAMS } from "@schakel/contracts";
import { connectBus, KeyDirectory, readCredentials, seedAuthenticator } from "@schakel/contracts/bus";
import { credentialsPath, directoryPath, generatedPersons, generatedRegistry, renderPersons } from "@schakel/infra";
import { postNotice } from "@schakel/organisation";
import { deliveryReceipts, noticeStatus, openPlatformStores } from "@schakel/platform";
import { NOTICE_SENDER } from "../orgs/notice-reach.ts";
import { startOrgsUp } from "../orgs/up-run.ts";

const n = Number(process.argv[2] ?? 600);
const notices = Number(process.argv[3] ?? 3);
const pauseMs = Number(process.argv[4] ?? 0) * 1000;
const ms = (x: number): string => `${(x / 1000).toFixed(2)} s`;

const dir = await mkdtemp(path.join(tmpdir(), "schakel-profile-reach-"));
const registry = generatedRegistry(n);
await writeFile(path.join(dir, "registry.json"), JSON.stringify(registry));
await writeFile(path.join(dir, "persons.json"), renderPersons(generatedPersons(registry)));
const profileDir = process.env.CPU_PROFILE_DIR;
const up = await startOrgsUp(path.join(dir, "registry.json"), path.join(dir, "persons.json"), 180_000, undefined, profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
console.log(`${n} organisations: up ready in ${ms(up.readyMs)}`);
try {
  const directory = KeyDirectory.fromFile(directoryPath(up.dataDir));
  const municipalities = new Set(directory.organisations.filter((o) => o.level === "local").map((o) => o.id));
  const platform = registry.organisations.find((o) => o.roles.includes("platform"))!.id;
  const connectAs = async (org: string) => connectBus({ servers: up.url, credentials: await readCredentials(credentialsPath(up.dataDir, org)), directory });
  const sender = await connectAs(NOTICE_SENDER);
  const asPlatform = await connectAs(platform);
  const admin = JSON.parse(await readFile(credentialsPath(up.dataDir, "admin"), "utf8")) as { seed: string };
  const nc = await connect({ servers: up.url, authenticator: seedAuthenticator(admin.seed), noAsyncTraces: true });
  const stores = await openPlatformStores(asPlatform);
  const receiptRecords = deliveryReceipts(stores);
  // The bucket as the admin reads it: its entries carry the server's storage time.
  const deliveriesBucket = await new Kvm(nc).open(BUCKETS.deliveries);
  for (let i = 1; i <= notices; i++) {
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
    const receipts = await jetstream(nc).consumers.get(STREAMS.coord.name, { filter_subjects: audienceFilter(NOTICE_SENDER), deliver_policy: DeliverPolicy.New });
    const postedAt = Date.now();
    const posted = await postNotice(sender, { to: ["local"], title: `Notice ${i}`, body: "To every municipality.", category: "information" });
    const stored: number[] = [];
    const messages = await receipts.consume();
    for await (const m of messages) {
      const e = m.json<{ type: string; sender: string; data: { noticeId?: string } }>();
      if (e.type !== "notice.delivered" || e.data.noticeId !== posted.noticeId || !municipalities.has(e.sender)) continue;
      stored.push(Number(m.info.timestampNanos) / 1e6);
      if (stored.length === municipalities.size) break;
    }
    await messages.close();
    const held = Math.max(...stored);
    const reads: number[] = [];
    let shownAt = 0;
    for (;;) {
      const t0 = Date.now();
      const status = await noticeStatus(stores, posted.noticeId);
      reads.push(Date.now() - t0);
      const reached = status?.recipients.filter((r) => municipalities.has(r.org) && r.state !== "pending").length ?? 0;
      if (reached === municipalities.size) {
        shownAt = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // The server's storage time of each of the platform's records of a receipt.
    const recorded: number[] = [];
    for (const r of await receiptRecords.list(`${posted.noticeId}.*`)) {
      const e = await deliveriesBucket.get(`receipt.${r.key}`);
      if (e) recorded.push(e.created.getTime());
    }
    recorded.sort((a, b) => a - b);
    // The platform's record of the notice itself, written before it handles any receipt of it.
    const noticeRecorded = (await deliveriesBucket.get(`notice.${posted.noticeId}`))?.created.getTime();
    stored.sort((a, b) => a - b);
    console.log([
      `notice ${i}: receipts stored ${ms(stored[0]! - postedAt)} … ${ms(held - postedAt)} after posting`,
      `platform: the notice recorded ${noticeRecorded ? ms(noticeRecorded - postedAt) : "?"}, the receipts ${ms(recorded[0]! - postedAt)} … ${ms(recorded.at(-1)! - postedAt)} (${recorded.length}; the last ${ms(recorded.at(-1)! - held)} after the last receipt)`,
      `read model complete ${ms(shownAt - held)} after the last receipt; ${reads.length} reads of ${Math.min(...reads)}–${Math.max(...reads)} ms`,
    ].join("\n  "));
  }
  await Promise.allSettled([sender.close(), asPlatform.close(), nc.close()]);
} finally {
  await up.stop();
  await rm(dir, { recursive: true, force: true });
}
