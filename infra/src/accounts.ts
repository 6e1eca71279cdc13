/**
 * The broker's account layout, rendered from the registry. The platform account holds the
 * streams, the buckets, the admin and the consumer gate; each organisation — and the audit — has
 * an account of its own that imports exactly its grants (permissions.ts) as services. Crossing an
 * account boundary, a reply subject is replaced by the broker with a private `_R_` subject, so a
 * tenant can never aim a reply at a subject of the platform account (such as another tenant's
 * pull-request subject), and nothing it does lands in another tenant's account. The exports are
 * one per subject shape (export-shapes.ts); the imports stay exact per tenant, except consumer
 * creation and deletion: one import per verb into the consumer gate, which checks the exact grants
 * (gate-grants.ts).
 */
import { AUDIT_ACCOUNT, AUDIT_ID, CONSUMER_GATE, GATE_VERBS, inboxPrefix, PLATFORM_ACCOUNT, type Registry } from "@schakel/contracts";
import type { LinkSecret } from "./cluster/link-secret.ts";
import { probeGrantsOf, serviceExports } from "./export-shapes.ts";
import type { Identities } from "./identities.ts";
import { activeUserKey, publicKeyOfSeed } from "./identities.ts";
import { hubDomainMappings, organisationLinkPermissions } from "./leaf/leaf-permissions.ts";
import { auditGrants, gateRequestOf, organisationGrants, permissionsOf, type Grant, type Permissions } from "./permissions.ts";

/** Marks the generated block, so `schakel identities generate` can replace it inside a larger config. */
export const ACCOUNTS_BEGIN = "# BEGIN schakel accounts (generated from the registry: run `schakel identities generate`, do not edit)";
export const ACCOUNTS_END = "# END schakel accounts";

/** One tenant: an account with one user and the grants it imports. */
export interface Tenant {
  id: string;
  account: string;
  comment: string;
  /** Public user nkey; undefined when its key is revoked and no new one was issued (suspended). */
  userKey: string | undefined;
  grants: Grant[];
  /** The same grants for the probe organisation (export-shapes.ts); undefined: exported exactly (the audit). */
  probeGrants?: Grant[];
  /** The link from the organisation's leaf into this account, when a leaf hosts it (leaf-permissions.ts). */
  leafLink?: { secret: LinkSecret; permissions: Permissions };
}

const q = (s: string): string => JSON.stringify(s);

/**
 * The tenants of a registry: every organisation (account = its id) and the audit. `leafLinks`:
 * the link secret of each organisation a leaf hosts, by organisation.
 */
export function tenantsOf(registry: Registry, ids: Identities, leafLinks: ReadonlyMap<string, LinkSecret> = new Map()): Tenant[] {
  const orgs = registry.organisations.map((org): Tenant => {
    const link = leafLinks.get(org.id);
    return {
      id: org.id,
      account: org.id,
      comment: `${org.id}: ${org.name} (${org.level}; ${org.roles.join(", ")})`,
      userKey: activeUserKey(ids, org.id),
      grants: organisationGrants(org),
      probeGrants: probeGrantsOf(org),
      ...(link ? { leafLink: { secret: link, permissions: organisationLinkPermissions(org) } } : {}),
    };
  });
  const audit = { id: AUDIT_ID, account: AUDIT_ACCOUNT, comment: "audit: reads every stored message, writes only its checkpoints", userKey: publicKeyOfSeed(ids.audit.seed), grants: auditGrants() };
  return [audit, ...orgs];
}

/** One identity's permissions as nats-server config text. */
export function renderPermissions(p: Permissions): string {
  const list = (xs: string[]) => `[${xs.map(q).join(", ")}]`;
  const side = (s: { allow: string[]; deny?: string[] }) => `{ allow: ${list(s.allow)}${s.deny?.length ? `, deny: ${list(s.deny)}` : ""} }`;
  return `{ publish: ${side(p.publish)}, subscribe: ${side(p.subscribe)} }`;
}

function renderExports(tenants: readonly Tenant[]): string[] {
  const lines = serviceExports(tenants).map((e) => {
    const rule = e.tokenPosition !== undefined ? `account_token_position: ${e.tokenPosition}` : `accounts: [${[...e.accounts].map(q).join(", ")}]`;
    return `      { service: ${q(e.subject)}${e.stream ? ", response_type: stream" : ""}, ${rule} }`;
  });
  // Push deliveries (KV watches, made by the gate) reach a tenant only under its own inbox prefix.
  // Stream exports stay exact: nats-server finds an exact export with a map lookup and adds stream
  // exports in constant time, so one per tenant costs nothing at load.
  for (const t of tenants) lines.push(`      { stream: ${q(`${inboxPrefix(t.id)}.>`)}, accounts: [${q(t.account)}] }`);
  return lines;
}

/**
 * A tenant's imports: each granted subject exactly, except consumer creates and deletes, which go
 * to the consumer gate with one import per verb (the gate checks them against the exact grants).
 */
function renderImports(t: Tenant): string[] {
  const service = (subject: string, to?: string) => `      { service: { account: ${q(PLATFORM_ACCOUNT)}, subject: ${q(subject)} }${to ? `, to: ${q(to)}` : ""} }`;
  const gated = new Set(t.grants.filter((g) => g.kind === "gate").map((g) => gateRequestOf(g).verb));
  return [
    ...t.grants.filter((g) => g.kind !== "gate").map((g) => service(g.subject)),
    ...GATE_VERBS.filter((verb) => gated.has(verb)).map((verb) => service(CONSUMER_GATE.tenantExport(t.account, verb), CONSUMER_GATE.apiFilter(verb))),
  ];
}

/** What its leaf sends at the hub's domain, mapped back to the names its imports carry (leaf-permissions.ts). */
function renderMappings(t: Tenant): string {
  const mappings = hubDomainMappings(t.grants.map((g) => g.subject)).map(([from, to]) => `${q(from)}: ${q(to)}`);
  return `      mappings: { ${mappings.join(", ")} }\n`;
}

function renderTenant(t: Tenant): string {
  // A suspended organisation's account keeps its name but imports nothing: nats-server 2.9 does not
  // re-check an open leaf link on a reload, so the link stays up until it drops, reaching nothing.
  const imports = t.userKey ? renderImports(t) : [];
  if (t.userKey) imports.push(`      { stream: { account: ${q(PLATFORM_ACCOUNT)}, subject: ${q(`${inboxPrefix(t.id)}.>`)} } }`);
  const users = [t.userKey
    ? `{ nkey: ${q(t.userKey)}, permissions: ${renderPermissions(permissionsOf(t.id, t.grants))} }`
    : `\n        # suspended: its signing key is revoked and no new key was issued (schakel identities rotate ${t.id})\n      `];
  // A suspended organisation's leaf link is refused too.
  if (t.leafLink && t.userKey) {
    users.push(`\n        # the link from ${t.id}'s leaf into this account (bcrypt hash only)\n        { user: ${q(t.leafLink.secret.user)}, password: ${q(t.leafLink.secret.hash)}, permissions: ${renderPermissions(t.leafLink.permissions)} }\n      `);
  }
  return `    # ${t.comment}\n    ${q(t.account)}: {\n${t.leafLink ? renderMappings(t) : ""}      users: [ ${users.join(", ")} ]\n      imports: [\n${imports.join("\n")}\n      ]\n    }`;
}

/**
 * The `accounts { … }` block: no anonymous access, one account per tenant. `extraPlatformUsers`
 * are further rendered user entries of the platform account (e.g. the leaves' sourcing links);
 * `leafLinks` the link secrets of the organisations leaves host, by organisation.
 */
export function renderAccounts(registry: Registry, ids: Identities, extraPlatformUsers: readonly string[] = [], leafLinks: ReadonlyMap<string, LinkSecret> = new Map()): string {
  const tenants = tenantsOf(registry, ids, leafLinks);
  const platformUsers = [`      # operator: provisioning, the consumer gate, supervision\n      { nkey: ${q(publicKeyOfSeed(ids.admin.seed))} }`, ...extraPlatformUsers];
  const platform = `    ${q(PLATFORM_ACCOUNT)}: {\n      jetstream: enabled\n      users: [\n${platformUsers.join("\n")}\n      ]\n      exports: [\n${renderExports(tenants).join("\n")}\n      ]\n    }`;
  return `${ACCOUNTS_BEGIN}\naccounts {\n${[platform, ...tenants.map(renderTenant)].join("\n")}\n}\n${ACCOUNTS_END}\n`;
}

/** The generated block of a config text (markers included), or undefined when it has none. */
export function accountsBlockOf(configText: string): string | undefined {
  const start = configText.indexOf(ACCOUNTS_BEGIN);
  const end = configText.indexOf(ACCOUNTS_END);
  if (start < 0 || end < start) return undefined;
  return configText.slice(start, end + ACCOUNTS_END.length) + "\n";
}

/** The names of the accounts a generated block defines (the platform's, the audit's, one per organisation). */
export function accountNamesOf(block: string): string[] {
  return [...block.matchAll(/^ {4}"([^"]+)": \{$/gm)].map((m) => m[1]!);
}

/** Replaces the generated block inside an existing config text; throws when the markers are missing. */
export function replaceAccounts(configText: string, block: string): string {
  const start = configText.indexOf(ACCOUNTS_BEGIN);
  const end = configText.indexOf(ACCOUNTS_END);
  if (start < 0 || end < start) {
    throw new Error(`the server config has no generated accounts block (between "${ACCOUNTS_BEGIN.slice(0, 30)}…" and "${ACCOUNTS_END}"): regenerate the whole config with "schakel up"`);
  }
  return configText.slice(0, start) + block.trimEnd() + configText.slice(end + ACCOUNTS_END.length);
}
