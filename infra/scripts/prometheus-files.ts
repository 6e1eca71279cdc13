/**
 * Writes the generated monitoring files into infra/prometheus/ (alerts.yml, prometheus.yml) and
 * prints the metric and alert tables for docs/OPERATIONS.md:
 *
 *   npm run prometheus -w @schakel/infra
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { alertTable, metricTable, PROMETHEUS_DIR, prometheusFiles } from "../src/prometheus-files.ts";

for (const [name, text] of prometheusFiles()) {
  await writeFile(join(PROMETHEUS_DIR, name), text);
  process.stderr.write(`wrote infra/prometheus/${name}\n`);
}
process.stdout.write(`${metricTable()}\n\n${alertTable()}\n`);
