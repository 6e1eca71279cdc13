/**
 * The scenarios of the suite, in the order they run. Each returns its figures; one that throws is
 * reported as failed (with the error) and the others still run.
 */
import type { Bed } from "../bed.ts";
import type { Figure } from "../report/figure.ts";
import { consumeScenario } from "./consume.ts";
import { latencyScenario } from "./latency.ts";
import { publishScenario } from "./publish.ts";

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
];
