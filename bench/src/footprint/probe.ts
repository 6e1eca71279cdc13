/**
 * The measuring half of a footprint child process: connect, sit idle, read RSS, run a pipelined
 * publish load while sampling RSS, report both to the parent over IPC, exit. It imports nothing
 * but Node, so that a raw child loads nats.js only and a Schakel child the bus only.
 */

/** What the parent sends to a child. */
export interface ProbeRequest {
  url: string;
  seed: string;
  inboxPrefix: string;
  idleSeconds: number;
  loadSeconds: number;
  window: number;
  /** Raw child: subject and body to publish. */
  subject?: string;
  bodyBase64?: string;
  /** Schakel child: credentials, directory, audience and data. */
  credentials?: unknown;
  directory?: unknown;
  to?: string;
  data?: unknown;
}

/** What a child reports. */
export interface ProbeReport {
  idleRssMB: number;
  loadRssMB: number;
  published: number;
  error?: string;
}

const mb = (): number => process.memoryUsage.rss() / 2 ** 20;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the probe with `send` as one publish (resolving on its ack) and reports to the parent. */
export async function probe(req: ProbeRequest, send: () => Promise<unknown>): Promise<ProbeReport> {
  await sleep(req.idleSeconds * 1000);
  const idleRssMB = mb();
  let peak = idleRssMB;
  let published = 0;
  let inFlight = 0;
  const until = performance.now() + req.loadSeconds * 1000;
  const sampler = setInterval(() => (peak = Math.max(peak, mb())), 100);
  let failed = 0;
  let lastError = "";
  await new Promise<void>((resolve) => {
    const settled = (): void => {
      inFlight--;
      if (performance.now() >= until && inFlight === 0) resolve();
      else launch();
    };
    const launch = (): void => {
      while (inFlight < req.window && performance.now() < until) {
        inFlight++;
        // A slow ack on a busy machine is no reason to lose the memory figure: count it and go on.
        send().then(() => {
          published++;
          settled();
        }, (err: Error) => {
          failed++;
          lastError = err?.message ?? String(err);
          settled();
        });
      }
    };
    launch();
  });
  clearInterval(sampler);
  if (published === 0) throw new Error(`no publish succeeded under load (${failed} failed: ${lastError})`);
  return { idleRssMB, loadRssMB: Math.max(peak, mb()), published };
}

/** Child-side entry: waits for the request, runs `main`, sends the report, exits. */
export function serveProbe(main: (req: ProbeRequest) => Promise<ProbeReport>): void {
  process.once("message", (req: ProbeRequest) => {
    main(req).then(
      (report) => process.send!(report, () => process.exit(0)),
      (err: Error) => process.send!({ idleRssMB: 0, loadRssMB: 0, published: 0, error: err?.message ?? String(err) }, () => process.exit(1)),
    );
  });
}
