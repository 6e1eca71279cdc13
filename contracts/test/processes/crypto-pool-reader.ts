/**
 * A reader process for bus-crypto-pool.test.ts: connects as an organisation, consumes the backlog
 * of its own inbox with the crypto pool on, closes its bus and then simply returns. The test
 * checks that the process ends by itself (no worker thread, timer or handle of the pool keeps it).
 */
import { Directory } from "@schakel/contracts";
import { connectBus, cryptoPoolStats, KeyDirectory, OrgCredentials } from "@schakel/contracts/bus";

interface Setup {
  url: string;
  credentials: unknown;
  directory: unknown;
  consumer: { stream: "COORD"; name: string; filter: string };
  count: number;
}

process.once("message", (setup: Setup) => {
  void (async () => {
    const bus = await connectBus({ servers: setup.url, credentials: OrgCredentials.parse(setup.credentials), directory: new KeyDirectory(Directory.parse(setup.directory)) });
    let handled = 0;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const c = bus.consume({ consumers: [setup.consumer], handlers: { "notice.posted": () => void (++handled === setup.count && resolve()) } });
    await done;
    await c.stop();
    // The worker thread is up (it starts at the first backlog): the process must still end by itself.
    while (cryptoPoolStats().ready === 0) await new Promise((r) => setTimeout(r, 20));
    await bus.close();
    process.send!({ handled, verified: cryptoPoolStats().verified });
    process.disconnect();
  })().catch((err: Error) => {
    process.send!({ error: err.message });
    process.disconnect();
  });
});
