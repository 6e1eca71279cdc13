/**
 * A notice to every municipality on a running `schakel up` at N organisations, taken apart: when
 * each municipality's delivery receipt was stored, when the platform stored its record of the
 * notice and of each receipt (the server's storage times), and when the platform's read model
 * (`noticeStatus`, as `schakel notice status` asks it) first showed them all, with how long each of
 * its reads took. The figure to compare before and after a change on the platform's side of
 * scenario 8 (whose notice this is: orgs/notice-reach.ts).
 *
 *   tsx src/profile/notice-reach.ts [organisations] [notices] [pause before each, s]
 *
 * With CPU_PROFILE_DIR set, `up` writes a CPU profile there (node --cpu-prof); the pause marks each
 * notice in it as the idle stretch before.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Kvm } from "@nats-io/kv";
import { BUCKETS } from "@schakel/contracts";
import { deliveryReceipts } from "@schakel/platform";
import { openNoticeReach } from "../orgs/notice-reach.ts";
import { platformOf, writeGeneratedRegistry } from "../orgs/registry-files.ts";
import { startOrgsUp } from "../orgs/up-run.ts";

const n = Number(process.argv[2] ?? 600);
const notices = Number(process.argv[3] ?? 3);
const pauseMs = Number(process.argv[4] ?? 0) * 1000;
const ms = (x: number): string => `${(x / 1000).toFixed(2)} s`;

const dir = await mkdtemp(path.join(tmpdir(), "schakel-profile-reach-"));
const { registry, registryFile, personsFile } = await writeGeneratedRegistry(n, dir);
const profileDir = process.env.CPU_PROFILE_DIR;
const up = await startOrgsUp(registryFile, personsFile, 180_000, undefined, profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
console.log(`${n} organisations: up ready in ${ms(up.readyMs)}`);
try {
  const bench = await openNoticeReach(up.url, up.dataDir, platformOf(registry), 60_000);
  const receiptRecords = deliveryReceipts(bench.stores);
  // The bucket as the admin reads it: its entries carry the server's storage time.
  const deliveriesBucket = await new Kvm(bench.admin).open(BUCKETS.deliveries);
  const storedAt = async (key: string) => (await deliveriesBucket.get(key))?.created.getTime();
  try {
    for (let i = 1; i <= notices; i++) {
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      const run = await bench.post(`Notice ${i}`);
      const held = run.stored.at(-1)!;
      const recorded: number[] = [];
      for (const r of await receiptRecords.list(`${run.noticeId}.*`)) {
        const at = await storedAt(`receipt.${r.key}`);
        if (at) recorded.push(at);
      }
      recorded.sort((a, b) => a - b);
      // The platform's record of the notice itself, written before it handles any receipt of it.
      const noticeRecorded = await storedAt(`notice.${run.noticeId}`);
      console.log([
        `notice ${i}: receipts stored ${ms(run.stored[0]! - run.postedAt)} … ${ms(held - run.postedAt)} after posting`,
        `platform: the notice recorded ${noticeRecorded ? ms(noticeRecorded - run.postedAt) : "?"}, the receipts ${ms(recorded[0]! - run.postedAt)} … ${ms(recorded.at(-1)! - run.postedAt)} (${recorded.length}; the last ${ms(recorded.at(-1)! - held)} after the last receipt)`,
        `read model complete ${ms(run.shownAt - held)} after the last receipt; ${run.reads.length} reads of ${Math.min(...run.reads)}–${Math.max(...run.reads)} ms`,
      ].join("\n  "));
    }
  } finally {
    await bench.close();
  }
} finally {
  await up.stop();
  await rm(dir, { recursive: true, force: true });
}
