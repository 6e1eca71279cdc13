/**
 * `schakel policy publish`: a Flemish policy domain publishes an update for local governments to
 * the platform, which bundles the updates of every domain into one digest per municipality.
 */
import type { Command } from "commander";
import { newMessageId, POLICY_DOMAINS, PREVENTION_TIERS } from "@schakel/contracts";
import { publishPolicyUpdate } from "@schakel/organisation";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, parseAudiences, requireSender, validateData } from "../input/checks.ts";
import { parseTime } from "../input/time-input.ts";
import { color, emit } from "../output.ts";
import { registerPolicyStatus } from "./policy-status.ts";

interface PublishOptions extends GlobalOptions {
  as: string; title: string; summary: string; concerns: string; link?: string; effectiveFrom?: string; tier?: string;
}

async function publish(opts: PublishOptions): Promise<void> {
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "policy.update.published");
  const domain = directory.require(opts.as).domain;
  if (!domain) throw new CliError(`--as ${opts.as}: the registry names no policy domain for "${opts.as}"`, EXIT.usage);
  const effectiveFrom = opts.effectiveFrom !== undefined ? parseTime(opts.effectiveFrom, "--effective-from") : undefined;
  if (opts.effectiveFrom !== undefined && !effectiveFrom) throw new CliError(`--effective-from "${opts.effectiveFrom}" is not a time (e.g. 2027-01-01T00:00:00Z)`, EXIT.usage);
  const updateId = newMessageId();
  const data = {
    updateId, domain: oneOf("--as (domain)", domain, POLICY_DOMAINS), title: opts.title, summary: opts.summary,
    concerns: parseAudiences(directory, opts.concerns, "--concerns"),
    ...(opts.link !== undefined ? { link: opts.link } : {}), ...(effectiveFrom ? { effectiveFrom: effectiveFrom.toISOString() } : {}),
    ...(opts.tier ? { preventionTier: oneOf("--tier", opts.tier, PREVENTION_TIERS) } : {}),
  };
  validateData("policy.update.published", data, { title: "--title", summary: "--summary", concerns: "--concerns", link: "--link" });
  const p = await withBus(opts.as, opts, (bus) => publishPolicyUpdate(bus, { ...data }));
  emit(opts, { updateId, id: p.messageId, to: p.to, traceId: p.traceId }, (r) =>
    `${color.green("published")} ${domain} update ${color.bold(r.updateId)} to ${r.to} for ${data.concerns.join(", ")}\ntrace ${r.traceId}`);
}

export function registerPolicy(program: Command): void {
  const policy = program.command("policy").description("policy updates from the Flemish domains, bundled into digests by the platform");
  policy
    .command("publish")
    .description("publish a policy domain's update for municipalities (bundled into their next digest)")
    .requiredOption("--as <org>", "the policy domain (e.g. onderwijs, welzijn)")
    .requiredOption("--title <text>", "the title (3–200 characters)")
    .requiredOption("--summary <text>", "what changes for local governments")
    .requiredOption("--concerns <audiences>", "comma-separated municipalities or groups (e.g. local)")
    .option("--link <url>", "where to read more")
    .option("--effective-from <time>", "when it takes effect (e.g. 2027-01-01T00:00:00Z)")
    .option("--tier <tier>", `prevention tier: ${PREVENTION_TIERS.join(", ")}`)
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => publish(cmd.optsWithGlobals<PublishOptions>()));
  registerPolicyStatus(policy);
}
