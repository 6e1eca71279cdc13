/**
 * The audiences of `notice post --to`: organisations and groups as for any message, plus
 * `neighbours` and `province:<province>`, which become the municipalities they stand for (the
 * organisation library's expansion, so the CLI posts what any other client would). A municipality
 * may reach only municipalities near it: an audience it may not address is a usage error before
 * anything is published.
 */
import { catalog, nearbyAudienceIssue, SchakelError } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { expandNearbyAudiences } from "@schakel/organisation";
import { CliError, EXIT } from "../exit-codes.ts";
import { parseAudiences } from "../input/checks.ts";

/** The expanded, checked audience list of a notice from `sender`; exit 2 naming `--to` otherwise. */
export function noticeAudiences(directory: KeyDirectory, sender: string, text: string): string[] {
  let expanded: string[];
  try {
    expanded = expandNearbyAudiences(directory, sender, text.split(",").map((s) => s.trim()).filter(Boolean));
  } catch (err) {
    if (err instanceof SchakelError) throw new CliError(`--to: ${err.message}`, EXIT.usage);
    throw err;
  }
  const to = parseAudiences(directory, expanded.join(","));
  const from = directory.require(sender);
  for (const audience of to) {
    const far = nearbyAudienceIssue(catalog["notice.posted"], from, audience, (id) => directory.organisation(id));
    if (far) throw new CliError(`--to: ${far}; use --to neighbours or --to province:${from.province ?? "<province>"}`, EXIT.usage);
  }
  return to;
}
