/**
 * The alert rules are generated from the metric catalog and proven with promtool: the committed
 * files equal the generator's output, promtool accepts them, and every alert fires on scripted
 * series (infra/prometheus/tests/alerts.test.yml) and not before its `for:` has passed.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { METRICS, prometheusName } from "@schakel/contracts";
import { findPrometheusTool, promtool } from "@schakel/harness";
import { ALERTS, alertTable, metricTable, PROMETHEUS_DIR, prometheusFiles } from "../src/mod.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("prometheus - alert rules", () => {
  it("prometheus - the committed files in infra/prometheus equal what the generator produces now", async () => {
    for (const [name, text] of prometheusFiles()) {
      const committed = await readFile(join(PROMETHEUS_DIR, name), "utf8").catch(() => "(missing)");
      expect(committed, `infra/prometheus/${name} is stale: run "npm run prometheus -w @schakel/infra"`).toBe(text);
    }
  });

  it("prometheus - every alert names only metrics of the catalog (or up)", () => {
    const known = new Set(["up", ...Object.values(METRICS).map((d) => prometheusName(d))]);
    for (const a of ALERTS) {
      // Without label lists (`by (…)`, `on (…)`) and matchers (`{…}`), every identifier left is a metric, a function or a keyword.
      const bare = a.expr.replace(/\b(by|on)\s*\([^)]*\)/g, "").replace(/\{[^}]*\}/g, "");
      const names = bare.match(/\b(?:schakel|messaging)_[a-z0-9_]+|\bup\b/g) ?? [];
      expect(names.length, a.alert).toBeGreaterThan(0);
      for (const n of names) expect(known.has(n), `${a.alert} uses ${n}, which no catalog metric is`).toBe(true);
    }
  });

  it("prometheus - promtool accepts the rules and the example scrape config", () => {
    const rules = promtool(["check", "rules", join(PROMETHEUS_DIR, "alerts.yml")]);
    expect(rules.code, rules.output).toBe(0);
    expect(rules.output).toContain(`SUCCESS: ${ALERTS.length} rules found`);
    const config = promtool(["check", "config", join(PROMETHEUS_DIR, "prometheus.yml")]);
    expect(config.code, config.output).toBe(0);
  });

  it("prometheus - every alert fires on its scripted series (a killed service, an overdue notice, ...) and not before its for:", async () => {
    const file = join(PROMETHEUS_DIR, "tests", "alerts.test.yml");
    const run = promtool(["test", "rules", file]);
    expect(run.code, run.output).toBe(0);
    const tested = new Set([...(await readFile(file, "utf8")).matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    expect([...tested].sort()).toEqual(ALERTS.map((a) => a.alert).sort());
  });

  it("prometheus - without Prometheus installed the tests fail saying how to install it (never a skip)", () => {
    const path = process.env.PATH;
    process.env.PATH = "";
    try {
      expect(() => findPrometheusTool("promtool")).toThrow(/promtool is not installed.*apt-get install prometheus/);
      expect(() => findPrometheusTool("prometheus")).toThrow(/prometheus is not installed/);
    } finally {
      process.env.PATH = path;
    }
  });

  it("prometheus - docs/OPERATIONS.md lists every metric and every alert as generated", async () => {
    const doc = await readFile(join(ROOT, "docs", "OPERATIONS.md"), "utf8");
    const fix = 'paste the tables printed by "npm run prometheus -w @schakel/infra" into docs/OPERATIONS.md (Metrics and alerts)';
    expect(doc.includes(metricTable()), fix).toBe(true);
    expect(doc.includes(alertTable()), fix).toBe(true);
  });
});
