/**
 * `schakel up --demo` plays the demo into a data folder once: a later start says that the demo
 * data is already there (and when it was played) and resumes with it, instead of posting the same
 * notices again; `--fresh` starts over with an empty data folder.
 */
import { color } from "../../output.ts";
import { demoPlayed, markDemoPlayed } from "./demo-marker.ts";
import { playDemo, type DemoOptions, type DemoReport } from "./scenario.ts";

/** Plays the demo unless this data folder has it already; resolves with its report, or undefined when it was not played. */
export async function playDemoOnce(opts: DemoOptions): Promise<DemoReport | undefined> {
  const played = demoPlayed(opts.dataDir);
  if (played) {
    opts.say(color.dim(`the demo data is already there (played ${played.playedAt}, schakel ${played.version}); start with --fresh for a new one (npx schakel up --demo --fresh)`));
    return undefined;
  }
  await markDemoPlayed(opts.dataDir);
  return playDemo(opts);
}
