/**
 * The heap of a long-running command while it starts. The production start tells V8 to grow the
 * old generation by a quarter at a time (`--heap-growing-percent=25`, package.json's `production`):
 * a running bus stays small. But a start allocates in one burst what the process then keeps —
 * at 600 organisations, 600 connections with their consumers, the server's rendered config —
 * and growing the heap to that size a quarter at a time is one full collection after another:
 * a second `up` at 600 organisations used about 1 s more CPU and was 0.4–0.8 s later ready with
 * the flag than without it (docs/BENCHMARKS.md, "The heap while `up` starts"). So a command
 * that starts many things lets V8 choose its own growth until it is ready, then takes the
 * growth it was started with back. V8 reads the flag at each collection, so setting it while
 * the process runs takes effect at the next one; that one is made at once, so that the heap's
 * limit is set from what the start left alive (without it the services process under load
 * peaked about 15 MB higher: the limit of the start's last collection held until its next).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const FLAG = "--heap-growing-percent";

/** The `--heap-growing-percent=N` this process was started with, if any. */
function givenGrowth(): string | undefined {
  return process.execArgv.find((a) => a.startsWith(`${FLAG}=`));
}

/**
 * One full collection now. V8 offers it only to a process started with `--expose-gc`; setting that
 * flag later exposes `gc` in new contexts (the way jest's leak detector asks for one).
 */
function collectNow(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

/**
 * Lifts the old generation's fixed growth for a start, when the process was given one; the
 * returned function restores it and collects once (call it once the command is ready, or when it
 * stops early).
 */
export function looseHeapWhileStarting(): () => void {
  const given = givenGrowth();
  if (!given) return () => {};
  // 0 is V8's default: a growth factor it derives from the collector's speed and the heap's size.
  setFlagsFromString(`${FLAG}=0`);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    setFlagsFromString(given);
    collectNow();
  };
}
