/** Resident set size of another process, read from /proc (Linux), in MB; undefined once it is gone. */
import { readFileSync } from "node:fs";

export function rssOf(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
    return line ? Number(line.replace(/\D+/g, "")) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples `pid`'s RSS every 100 ms until `stop()`; returns the peak. */
export function sampleRss(pid: number): { stop(): number } {
  let peak = rssOf(pid) ?? 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid) ?? 0)), 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssOf(pid) ?? 0);
    },
  };
}
