/**
 * The Flemish service: the platform (VPR) and the policy domains, one instance per
 * organisation. The platform instance keeps obligations, escalations, delivery records, digests
 * and signal routing (see platform/); a policy domain's instance keeps its inbox like any
 * organisation and publishes through `publishPolicyUpdate` (@schakel/organisation).
 */
import { SchakelError } from "@schakel/contracts";
import { caseKeysFor, inboxHandlers, keepCaseState, orgState } from "@schakel/organisation";
import { consumeWithLogs, type ServiceDefinition } from "@schakel/runtime";
import { startTraceIndexer } from "@schakel/tracing";
import { startPlatform, type PlatformOptions } from "@schakel/platform";

export type FlemishOptions = PlatformOptions;

function positiveInt(name: string, v: string | boolean | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new SchakelError("schema", `--${name} must be a positive whole number of milliseconds, not "${String(v)}"`, { flag: name });
  return n;
}

export const flemishService: ServiceDefinition<FlemishOptions> = {
  name: "flemish",
  description: "the Flemish platform (VPR) and policy domains: obligations, escalations, digests, signal routing",
  organisations: (directory) => directory.organisations.filter((o) => o.level === "flemish").map((o) => o.id),
  flags: {
    "digest-window-ms": { type: "string", description: "length of a digest window in ms (default 60000)" },
    "tick-ms": { type: "string", description: "how often deadlines and windows are checked, in ms (default 250)" },
  },
  optionsFromFlags(v) {
    const digestWindowMs = positiveInt("digest-window-ms", v["digest-window-ms"]);
    const tickMs = positiveInt("tick-ms", v["tick-ms"]);
    return { ...(digestWindowMs ? { digestWindowMs } : {}), ...(tickMs ? { tickMs } : {}) };
  },
  async start(ctx, options) {
    if (ctx.directory.require(ctx.org).roles.includes("platform")) {
      // The platform process also keeps the trace index current, so `schakel trace` works
      // wherever the platform runs (embedded in `up` or as its own process).
      const platform = await startPlatform(ctx, options);
      const indexer = await startTraceIndexer(ctx.bus, {
        onEvent: (e) => (e.kind === "error" ? ctx.log.warn({ consumer: e.consumer, error: e.error }, "trace index consumer trouble") : undefined),
      });
      return {
        stop: async () => { await indexer.stop(); await platform.stop(); },
        kill: async () => { await indexer.stop(); await (platform.kill ?? platform.stop)(); },
      };
    }
    const consumption = consumeWithLogs(ctx, inboxHandlers(ctx, await orgState(ctx.bus), { caseKeys: caseKeysFor(ctx) }));
    // The cases it takes part in stay in its case state bucket while they are open.
    const cases = keepCaseState(ctx);
    const stop = async () => {
      cases.stop();
      await consumption.stop();
    };
    return { stop, kill: stop };
  },
};
