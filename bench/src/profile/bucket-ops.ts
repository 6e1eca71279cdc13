/**
 * Client CPU per bucket operation, the KV client's own against the same operation through the
 * bus's publisher (`pipelinedStore`, contracts/src/bus/kv-requests.ts), rounds alternating, 64 in
 * flight: a read of a record that is not there (what a service's processed-id check does for every
 * new message), a read of one that is, and a create.
 *
 *   tsx src/profile/bucket-ops.ts [rounds] [count]
 */
import { orgStateBucket } from "@schakel/contracts";
import { openBucket, pipelinedStore, type RecordStore } from "@schakel/contracts/bus";
import { AUDIENCE, startBed } from "../bed.ts";
import { pipelined } from "../pipeline.ts";
import { progress } from "../progress.ts";
import { QUICK } from "../settings.ts";
import { median } from "../stats.ts";
import { cpuPerMessage } from "../throughput.ts";

const rounds = Number(process.argv[2] ?? 5);
const count = Number(process.argv[3] ?? 5_000);
const IN_FLIGHT = 64;
const enc = new TextEncoder();

const bed = await startBed(QUICK);
try {
  const bus = await bed.connectAs(AUDIENCE.consume);
  const kv = await openBucket(bus, orgStateBucket(AUDIENCE.consume));
  await kv.put("bench.present", "1");
  const ways: [string, RecordStore][] = [["KV client", kv], ["bus publisher", pipelinedStore(kv)]];
  const ops = {
    "read, absent": (s: RecordStore, r: number, i: number) => s.get(`bench.absent-${r}-${i}`),
    "read, present": (s: RecordStore) => s.get("bench.present"),
    create: (s: RecordStore, r: number, i: number) => s.create(`bench.new-${r}-${i}`, enc.encode("1")),
  };
  const us = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    for (const [op, run] of Object.entries(ops)) {
      for (const [way, store] of r % 2 === 0 ? ways : [...ways].reverse()) {
        const key = `${op}|${way}`;
        const cpu = await cpuPerMessage(count, () => pipelined(count, IN_FLIGHT, (i) => run(store, r * 2 + (way === "KV client" ? 0 : 1), i)));
        us.set(key, [...(us.get(key) ?? []), cpu]);
      }
    }
    progress(`round ${r + 1}/${rounds}`);
  }
  process.stdout.write(`client CPU µs per bucket operation, median (min) of ${rounds} rounds of ${count}, ${IN_FLIGHT} in flight\n`);
  for (const op of Object.keys(ops)) {
    const cell = (way: string) => {
      const xs = us.get(`${op}|${way}`)!;
      return `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)})`;
    };
    process.stdout.write(`${op.padEnd(14)} KV client ${cell("KV client").padEnd(13)} bus publisher ${cell("bus publisher")}\n`);
  }
  await bus.close();
} finally {
  await bed.close();
}
