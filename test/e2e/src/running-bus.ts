/**
 * The running bus of one e2e file: `schakel up` on a fresh data folder and a free port, plus an
 * observer of everything stored; stopped with Ctrl-C (its output shown if it did not exit 0).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killChildren } from "./children.ts";
import { Observer } from "./observer.ts";
import { startUp, type UpProcess } from "./up-process.ts";

export interface RunningBus {
  dataDir: string;
  up: UpProcess;
  observer: Observer;
}

/** Starts `schakel up --data <tmp> --port 0 …extraArgs` and an observer on it. */
export async function startRunningBus(label: string, extraArgs: string[]): Promise<RunningBus> {
  const dataDir = await mkdtemp(join(tmpdir(), `schakel-e2e-${label}-`));
  const up = await startUp(["--data", dataDir, "--port", "0", ...extraArgs]);
  const observer = await Observer.start(dataDir, up.summary.url);
  return { dataDir, up, observer };
}

/** Stops what `startRunningBus` started; safe when the start failed half-way. */
export async function stopRunningBus(bus: Partial<RunningBus>): Promise<void> {
  await bus.observer?.close();
  if (bus.up && (await bus.up.interrupt()) !== 0) console.error(bus.up.output());
  await killChildren();
  if (bus.dataDir) await rm(bus.dataDir, { recursive: true, force: true });
}
