import { defineConfig } from "vitest/config";

/**
 * One vitest project per workspace; every test file starts its own nats-server on random ports
 * with its own store, so files run in parallel (two workers on the 2-core reference machine).
 */
const project = (name: string, root: string, timeout = 60_000) => ({
  // NO_COLOR: tests read plain text, and picocolors colours any output when CI is set (as in CI runs).
  // SCHAKEL_IDP_PORT=0: a `schakel up` in a test takes a free port for its sign-in provider instead
  // of trying 8481 first (tests that check the stable port pass --idp-port themselves).
  test: { name, root, include: ["test/**/*.test.ts"], testTimeout: timeout, hookTimeout: timeout, env: { NO_COLOR: "1", SCHAKEL_IDP_PORT: "0" } },
});

export default defineConfig({
  test: {
    pool: "forks",
    reporters: ["default", "./test/summary-reporter.ts"],
    maxWorkers: 2,
    passWithNoTests: true,
    projects: [
      project("contracts", "contracts"),
      project("infra", "infra"),
      project("harness", "test/harness"),
      project("runtime", "services/runtime"),
      project("organisation", "services/organisation"),
      project("platform", "services/platform"),
      project("local", "services/local"),
      project("flemish", "services/flemish"),
      project("federal", "services/federal"),
      project("audit", "services/audit"),
      project("identity-provider", "services/identity-provider"),
      project("tracing", "services/tracing"),
      project("console", "services/console", 120_000),
      project("cli", "services/cli"),
      project("e2e", "test/e2e", 120_000),
      project("security", "test/security"),
      project("faults", "test/faults", 300_000),
      project("architecture", "test/architecture"),
    ],
  },
});
