/**
 * Permissions at the edge. An organisation whose services connect to a leaf has an account of its
 * own there, and its own link from that account into its account at the hub: whatever it does at
 * its leaf meets the same account boundary, imports and consumer gate as at the hub. It keeps the
 * exact allow list it has at the hub, with its JetStream API and KV grants at the hub's domain
 * (`$JS.hub.API.…`): the leaf runs a JetStream of its own, so nats-server does not carry
 * `$JS.API.>` or `$KV.>` across a link. Its publications are stored first in the leaf's OUTBOX
 * and reach the hub by sourcing, never over a link. The leaf's sourcing link authenticates in the
 * platform account and carries only what sourcing uses.
 */
import { JS_API, LEAF, leafDeliverPrefix, leafDomain, leafOutboxSubjects, inboxPrefix, ROOTS, type Organisation } from "@schakel/contracts";
import { organisationPermissions, type Permissions } from "../permissions.ts";
import type { LeafSite } from "./leaf-sites.ts";

const LOCAL_API = `${JS_API.info.slice(0, -"INFO".length)}`;
const HUB_API = `${JS_API.domainApi(LEAF.hubDomain)}.`;
const KV = "$KV.";

/**
 * A granted subject as an organisation at a leaf sends it: JetStream API and KV subjects at the
 * hub's domain; undefined for the others (publications, acks, flow control), which keep their name.
 */
export function atHubDomain(subject: string): string | undefined {
  if (subject.startsWith(LOCAL_API)) return HUB_API + subject.slice(LOCAL_API.length);
  if (subject.startsWith(KV)) return HUB_API + subject;
  return undefined;
}

/**
 * The account mappings that turn what an organisation's leaf sends at the hub's domain back into
 * the names its imports carry: one per API area its grants use (`$JS.hub.API.CONSUMER.>` →
 * `$JS.API.CONSUMER.>`, …, `$JS.hub.API.$KV.>` → `$KV.>`), as nats-server itself maps the domain
 * for an account with JetStream. A handful per organisation instead of a second import per grant.
 */
export function hubDomainMappings(subjects: readonly string[]): [from: string, to: string][] {
  const mappings = new Map<string, string>();
  for (const subject of subjects) {
    const atHub = atHubDomain(subject);
    if (!atHub) continue;
    const area = subject.startsWith(KV) ? KV.slice(0, -1) : `${LOCAL_API}${subject.slice(LOCAL_API.length).split(".")[0]}`;
    const exact = area === subject;
    const to = exact ? area : `${area}.>`;
    mappings.set(atHubDomain(to)!, to);
  }
  return [...mappings];
}

/** An organisation's own publication subjects: stored by the leaf's OUTBOX, never sent over a link. */
export function publications(org: string): string[] {
  return leafOutboxSubjects([org]);
}

/** The permissions of an organisation's user on the leaf that hosts it. */
export function leafOrganisationPermissions(org: Organisation): Permissions {
  const p = organisationPermissions(org);
  return {
    publish: { allow: p.publish.allow.map((s) => atHubDomain(s) ?? s) },
    subscribe: { allow: p.subscribe.allow },
  };
}

/**
 * The permissions of an organisation's link user at the hub, from the leaf's side (`publish`: what
 * the leaf may send to the hub, `subscribe`: what the hub may send to the leaf; nats-server swaps
 * them for a leaf connection): its grants at the hub's domain, and its own reply inbox.
 */
export function organisationLinkPermissions(org: Organisation): Permissions {
  const own = new Set(publications(org.id));
  return {
    publish: { allow: leafOrganisationPermissions(org).publish.allow.filter((s) => !own.has(s)) },
    subscribe: { allow: [`${inboxPrefix(org.id)}.>`] },
  };
}

/** The root subjects a link never carries: they travel by sourcing (up) and by consumers (down). */
export function linkDeniedSubjects(): string[] {
  return [`${ROOTS.coord}.>`, `${ROOTS.case}.>`, `${ROOTS.deadletter}.>`, `${ROOTS.reads}.>`, `${ROOTS.sandbox}.>`];
}

/**
 * The permissions of a leaf's sourcing link at the hub (platform account), from the leaf's side:
 * the hub creates the source consumers on the leaf's OUTBOX, the leaf delivers into them.
 */
export function leafLinkPermissions(site: LeafSite): Permissions {
  const domainApi = JS_API.domainApi(leafDomain(site.name));
  return {
    publish: { allow: ["$JSC.R.>", `${leafDeliverPrefix(site.name)}.>`] },
    subscribe: {
      allow: [
        `${domainApi}.CONSUMER.CREATE.${LEAF.outboxStream}`,
        `${domainApi}.CONSUMER.CREATE.${LEAF.outboxStream}.>`,
        JS_API.flowControl(LEAF.outboxStream),
      ],
    },
  };
}
