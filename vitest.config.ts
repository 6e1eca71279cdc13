import { defineConfig } from "vitest/config";

/**
 * One vitest project per workspace; each test file starts its own nats-server on random ports,
 * so files run in parallel (two workers on the 2-core reference machine).
 */
const project = (name: string, root: string, include = ["test/**/*.test.ts"], timeout = 60_000) => ({
  test: { name, root, include, testTimeout: timeout, hookTimeout: timeout },
});

export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    projects: [
      project("contracts", "contracts"),
      project("infra", "infra"),
      project("harness", "test/harness"),
    ],
  },
});
