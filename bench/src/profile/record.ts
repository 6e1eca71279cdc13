/**
 * Records a V8 CPU profile of one phase only (the same profiler `node --cpu-prof` drives, started
 * and stopped around the phase through node:inspector), so that setup — key generation, module
 * loading, filling the stream — does not dilute the hot path.
 */
import { Session } from "node:inspector/promises";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** Runs `fn` under the CPU profiler and writes `<dir>/<name>.cpuprofile`; returns fn's result. */
export async function recordProfile<T>(dir: string, name: string, fn: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  // 100 µs sampling: fine enough for per-message costs of a few µs over tens of thousands of messages.
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  try {
    return await fn();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
