/**
 * Replay into a no-op handler module, repeated on one server: throughput, CPU per message (all
 * threads) and what the crypto pool did (handed to its workers, verified there, taken first by the
 * reader). The figure to compare before and after a change to the replay read path.
 *
 *   tsx src/profile/replay.ts [count] [on|off]
 */
import { STREAMS } from "@schakel/contracts";
import { cryptoPoolStats, leaseCryptoPool } from "@schakel/contracts/bus";
import { connectOperator, replay } from "@schakel/tracing";
import { AUDIENCE, SENDER, startBed } from "../bed.ts";
import { fillStream } from "../fill.ts";
import { QUICK } from "../settings.ts";

const count = Number(process.argv[2] ?? 20_000);
const verifyInWorkers = process.argv[3] !== "off";

const bed = await startBed(QUICK);
try {
  const bus = await bed.connectAs(SENDER);
  // Distinct signed notices: copies of one would share its Nats-Msg-Id and be stored once.
  const copy = () => {
    const m = bus.prepare("notice.posted", bed.notice, { to: AUDIENCE.replay });
    return { subject: m.subject, data: m.body, headers: m.headers };
  };
  const since = new Date(Date.now() - 1);
  await fillStream(await bed.server.admin(), await bed.server.jsm(), STREAMS.coord.name, count, copy, `storing ${count} signed messages`);
  const until = new Date(Date.now() + 1);
  await bus.close();
  const op = await connectOperator({ servers: bed.server.url, seed: bed.server.identities.admin.seed });
  // Held across the rounds, so the workers stay up between them (as in a process that replays repeatedly).
  const hold = leaseCryptoPool();
  const into = { handlers: { "notice.posted": () => {} }, directory: bed.server.directory };
  try {
    for (let round = 1; round <= 4; round++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await replay(op, { select: { since, until, from: SENDER, typeGlob: "notice.posted" }, into, pace: { kind: "instant" }, verifyInWorkers });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      console.log(`round ${round}: ${r.replayed} replayed in ${ms.toFixed(0)} ms, ${Math.round((r.replayed / ms) * 1000)} msg/s, ${Math.round((cpu.user + cpu.system) / r.replayed)} µs CPU per message`);
    }
    console.log(`crypto pool: ${JSON.stringify(cryptoPoolStats())}`);
  } finally {
    hold?.release();
    await op.close();
  }
} finally {
  await bed.close();
}
