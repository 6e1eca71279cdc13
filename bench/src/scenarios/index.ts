/**
 * The scenarios of the suite, in the order they run. Each returns its figures; one that throws is
 * reported as failed (with the error) and the others still run.
 */
import type { Bed } from "../bed.ts";
import type { Figure } from "../report/figure.ts";
import { consoleScenario } from "./console.ts";
import { consumeScenario } from "./consume.ts";
import { footprintScenario } from "./footprint.ts";
import { latencyScenario } from "./latency.ts";
import { orgsScenario } from "./orgs.ts";
import { publishScenario } from "./publish.ts";
import { replayScenario } from "./replay.ts";
import { traceLookupScenario } from "./trace-lookup.ts";

export interface Scenario {
  key: string;
  number: number;
  title: string;
  run(bed: Bed): Promise<Figure[]>;
}

export const SCENARIOS: Scenario[] = [
  { key: "publish", number: 1, title: "publish throughput", run: publishScenario },
  { key: "consume", number: 2, title: "consume throughput", run: consumeScenario },
  { key: "latency", number: 3, title: "end-to-end latency", run: latencyScenario },
  { key: "replay", number: 4, title: "replay", run: replayScenario },
  { key: "trace", number: 5, title: "trace lookup", run: traceLookupScenario },
  { key: "console", number: 6, title: "console", run: consoleScenario },
  { key: "footprint", number: 7, title: "footprint", run: footprintScenario },
  { key: "orgs", number: 8, title: "organisations: 13, 150, 600", run: orgsScenario },
];
