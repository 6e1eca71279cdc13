/**
 * `schakel up --demo` plays the demo into a data folder once: a later start says that the demo
 * data is already there (and when it was played) and resumes with it, instead of posting the same
 * notices again; `--fresh` starts over with an empty data folder.
 */
import { color } from "../../output.ts";
import { demoPlayed, markDemoPlayed } from "./demo-marker.ts";
import { playDemo, type DemoOptions, type DemoReport } from "./scenario.ts";

/**
 * Plays the demo unless this data folder has it already; resolves with its report, or undefined
 * when it was not played. `storedMessages`: what the coordination stream held at start — a folder
 * without the marker but with messages was filled before (by a release that wrote no marker, or
 * by real use), and the demo is not mixed into it.
 */
export async function playDemoOnce(opts: DemoOptions & { storedMessages: number }): Promise<DemoReport | undefined> {
  const played = demoPlayed(opts.dataDir);
  if (played) {
    opts.say(color.dim(`the demo data is already there (played ${played.playedAt}, schakel ${played.version}); start with --fresh for a new one (npx schakel up --demo --fresh)`));
    return undefined;
  }
  if (opts.storedMessages > 0) {
    opts.say(color.dim(`this data folder already holds ${opts.storedMessages} coordination messages, so the demo is not played into it; start with --fresh for a new one (npx schakel up --demo --fresh)`));
    return undefined;
  }
  await markDemoPlayed(opts.dataDir);
  return playDemo(opts);
}
