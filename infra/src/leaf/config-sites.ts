/**
 * What a generated hub's or leaf's config says about its leaf sites, read back from its text so
 * that a key change can render the config again without the topology that first made it: a
 * hub lists each site with the organisations it hosts beside the site's sourcing link user
 * (`renderLeafLinkUsers`), whether or not an organisation is suspended; a leaf holds one account
 * per hosted organisation beside its OUTBOX account (`renderLeafAuthorization`). Both forms are
 * the same in the previous release's configs.
 */
import { LEAF, SchakelError, type Registry } from "@schakel/contracts";
import { accountNamesOf, accountsBlockOf, replaceAccounts } from "../accounts.ts";
import type { LeafSite } from "./leaf-sites.ts";

/** A single node or cluster node without leaves, a hub accepting leaf links, or a leaf linking to a hub. */
export type ConfigKind = "node" | "hub" | "leaf";

/** The `leafnodes { … }` block of a config text (up to its closing brace at the line start), if any. */
function leafnodesBlock(text: string): string | undefined {
  const start = text.search(/^leafnodes\s*\{/m);
  if (start < 0) return undefined;
  const end = text.indexOf("\n}", start);
  return text.slice(start, end < 0 ? undefined : end);
}

/** Which kind of server a config is for: a leaf links out (`remotes`), a hub listens for leaves. */
export function configKindOf(text: string): ConfigKind {
  const block = leafnodesBlock(text);
  if (block === undefined) return "node";
  return /^\s*remotes\s*:/m.test(block) ? "leaf" : "hub";
}

/**
 * The comment beside a site's sourcing link user in a hub's config (`renderLeafLinkUsers`): the
 * site and every organisation it hosts, which {@link hubSitesOf} reads back.
 */
export const siteComment = (site: LeafSite): string => `# leaf ${site.name}: the hub sources its OUTBOX (${site.organisations.join(", ")})`;
const SITE_LINE = /^\s*# leaf ([a-z][a-z0-9-]*): the hub sources its OUTBOX \(([^)]*)\)\s*$/gm;

/**
 * The leaf sites a hub's config links, each with the organisations of `registry` it hosts (an
 * organisation that left the registry is dropped; a site left with none is dropped too, and its
 * sourcing link is then refused).
 */
export function hubSitesOf(text: string, registry: Registry): LeafSite[] {
  const members = new Set(registry.organisations.map((o) => o.id));
  return [...text.matchAll(SITE_LINE)]
    .map((m) => ({ name: m[1]!, organisations: m[2]!.split(",").map((s) => s.trim()).filter((id) => members.has(id)) }))
    .filter((site) => site.organisations.length > 0);
}

/**
 * The accounts block of a leaf's config, and the config with another block in its place: marked
 * since this release; in the previous release's form, its last block.
 */
export function leafAccountsOf(text: string): { block: string; replace(block: string): string } {
  const marked = accountsBlockOf(text);
  if (marked !== undefined) return { block: marked, replace: (block) => replaceAccounts(text, block) };
  const start = text.search(/^accounts\s*\{/m);
  if (start < 0 || !/\}\s*$/.test(text.slice(start))) {
    throw new SchakelError("schema", "this leaf's config has no accounts block at its end, as a generated one has: render the leaf's config again (renderLeafNodeConfig)", {});
  }
  const old = text.slice(start);
  // As replaceAccounts does: the new block in place of the old, the whitespace after it kept.
  return { block: old, replace: (block) => text.slice(0, start) + block.trimEnd() + /\s*$/.exec(old)![0] };
}

/** The site a leaf's config serves: `name` (its JetStream domain without `leaf-`) and the organisations of `registry` it hosts. */
export function leafSiteOf(text: string, registry: Registry): LeafSite {
  const domain = /\bdomain:\s*"leaf-([a-z][a-z0-9-]*)"/.exec(text)?.[1];
  const members = new Set(registry.organisations.map((o) => o.id));
  const hosted = accountNamesOf(leafAccountsOf(text).block).filter((a) => a !== LEAF.outboxAccount);
  const organisations = hosted.filter((id) => members.has(id));
  const name = domain ?? "(unnamed)";
  if (organisations.length === 0) {
    throw new SchakelError("schema", `leaf ${name} hosts no organisation of the registry any more (it hosted ${hosted.join(", ") || "none"}): retire the leaf, or pass the registry the bus runs with (--registry)`, { leaf: name });
  }
  return { name, organisations };
}
