/**
 * Where a publish's client CPU goes, taken apart over one server, each part as its own round of
 * the same messages (min and median over rounds, µs per message):
 * - `publish`: `bus.publish`, everything (build, validate, sign, producer span, send, the ack);
 * - `prepare + send`: the same without the producer span (`bus.prepare`, then `bus.send`);
 * - `prepare`: build, validate and sign only, in a plain loop (no server, no promise per message);
 * - `send prepared`: the bus's publisher sending one prepared message's bytes again and again (no
 *   envelope, no signature: the transport and the ack only; the server stores each copy once, by
 *   its message id, and acks every one).
 * `publish` minus `prepare` minus `send prepared` is what the asynchronous path between them
 * costs (promises, the result object, the send metric).
 *
 *   tsx src/profile/publish-parts.ts [rounds] [count]
 */
import { inboxPrefix } from "@schakel/contracts";
import { AckPipeline } from "@schakel/contracts/bus";
import { AUDIENCE, SENDER, startBed } from "../bed.ts";
import { pipelined } from "../pipeline.ts";
import { progress } from "../progress.ts";
import { QUICK } from "../settings.ts";
import { median } from "../stats.ts";
import { cpuPerMessage } from "../throughput.ts";

const rounds = Number(process.argv[2] ?? 5);
const count = Number(process.argv[3] ?? 10_000);

const bed = await startBed(QUICK);
try {
  const bus = await bed.connectAs(SENDER);
  const raw = await bed.rawAs(SENDER);
  const to = AUDIENCE.publish;
  const prepared = bus.prepare("notice.posted", bed.notice, { to });
  const publisher = new AckPipeline(raw, { inboxPrefix: inboxPrefix(SENDER) });
  const parts: { name: string; run: () => Promise<void>; us: number[] }[] = [
    { name: "publish", run: () => pipelined(count, QUICK.window, () => bus.publish("notice.posted", bed.notice, { to })), us: [] },
    { name: "prepare + send", run: () => pipelined(count, QUICK.window, () => bus.send(bus.prepare("notice.posted", bed.notice, { to }))), us: [] },
    {
      name: "prepare",
      run: async () => {
        for (let i = 0; i < count; i++) bus.prepare("notice.posted", bed.notice, { to });
      },
      us: [],
    },
    { name: "send prepared", run: () => pipelined(count, QUICK.window, () => publisher.publish(prepared.subject, prepared.body, prepared.headers)), us: [] },
  ];
  for (const p of parts) await p.run(); // JIT warm-up
  for (let r = 0; r < rounds; r++) {
    for (const p of parts) p.us.push(await cpuPerMessage(count, p.run));
    progress(`round ${r + 1}/${rounds}: ${parts.map((p) => `${p.name} ${p.us[r]!.toFixed(1)}`).join(", ")} µs CPU per message`);
  }
  process.stdout.write(`client CPU µs per message, ${rounds} rounds of ${count}\n`);
  for (const p of parts) process.stdout.write(`${p.name.padEnd(15)} min ${Math.min(...p.us).toFixed(1)}  median ${median(p.us).toFixed(1)}\n`);
  publisher.close();
  await raw.close();
  await bus.close();
} finally {
  await bed.close();
}
