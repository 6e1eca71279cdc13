/**
 * `tsx infra/scripts/ensure-system-tools.ts [start|test]`: the system tools a command needs, checked
 * before it runs (`npm test` runs this first; `schakel up` makes the same check for nats-server).
 * `start` needs nats-server; `test` also chromium (the console's browser tests) and
 * prometheus/promtool (the metrics tests). As root on Debian the missing ones are installed from
 * Debian's packages, saying so first (SCHAKEL_NO_AUTO_INSTALL=1 turns that off); otherwise it stops
 * with exit 2 and the exact command to run, before anything else is started.
 */
import { ensureSystemTool, SystemToolMissingError, type SystemTool } from "../src/embedded/binary.ts";

const NEEDS: Record<string, SystemTool[]> = {
  start: ["nats-server"],
  test: ["nats-server", "chromium", "prometheus", "promtool"],
};

const purpose = process.argv[2] ?? "test";
const tools = NEEDS[purpose];
if (!tools) {
  process.stderr.write(`ensure-system-tools: unknown purpose "${purpose}": use ${Object.keys(NEEDS).join(" or ")}\n`);
  process.exit(2);
}
try {
  ensureSystemTool(tools, { say: (line) => process.stderr.write(`ensure-system-tools: ${line}\n`) });
} catch (err) {
  if (!(err instanceof SystemToolMissingError)) throw err;
  process.stderr.write(`ensure-system-tools: ${err.message}\n`);
  process.exit(2);
}
