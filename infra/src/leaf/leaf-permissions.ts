/**
 * Permissions at the edge. An organisation whose services connect to a leaf keeps the exact
 * allow list it has at the hub, with its JetStream API grants moved to the hub's domain
 * (`$JS.hub.API.…`): its consumers, feed slots and buckets live at the hub. Its publications
 * are stored first in the leaf's OUTBOX and reach the hub by sourcing, never over the link
 * directly. The link itself authenticates as a dedicated link user per leaf, whose permissions
 * (seen from the leaf: publish = towards the hub) are the union of what its organisations need
 * plus the few subjects sourcing uses.
 */
import {
  deadLetterFilter, JS_API, LEAF, leafDeliverPrefix, leafDomain, inboxPrefix, readsFilter, ROOTS, senderFilter, type Organisation, type Registry,
} from "@schakel/contracts";
import { organisationPermissions, type Permissions } from "../permissions.ts";
import { siteOrganisations, type LeafSite } from "./leaf-sites.ts";

const LOCAL_API = `${JS_API.info.slice(0, -".INFO".length)}.`;
const HUB_API = `${JS_API.domainApi(LEAF.hubDomain)}.`;

/** Rewrites a local JetStream API grant to the hub's domain; other subjects are unchanged. */
function toHub(subject: string): string {
  return subject.startsWith(LOCAL_API) ? HUB_API + subject.slice(LOCAL_API.length) : subject;
}

/** An organisation's own publication subjects: stored by the leaf's OUTBOX, not sent over the link. */
function publications(org: string): string[] {
  return [senderFilter(org, ROOTS.coord), senderFilter(org, ROOTS.case), deadLetterFilter(org), readsFilter(org)];
}

/** The permissions of an organisation's user on the leaf that hosts it. */
export function leafOrganisationPermissions(org: Organisation): Permissions {
  const p = organisationPermissions(org);
  return {
    publish: { allow: p.publish.allow.map(toHub) },
    subscribe: { allow: p.subscribe.allow },
  };
}

/** The root subjects a link never carries: they travel by sourcing (up) and by consumers (down). */
export function linkDeniedSubjects(): string[] {
  return [`${ROOTS.coord}.>`, `${ROOTS.case}.>`, `${ROOTS.deadletter}.>`, `${ROOTS.reads}.>`, `${ROOTS.sandbox}.>`];
}

/**
 * The permissions of a leaf's link user at the hub, from the leaf's side: `publish` is what the
 * leaf may send to the hub, `subscribe` what the hub may send to the leaf (nats-server swaps them
 * for a leaf connection).
 */
export function leafLinkPermissions(registry: Registry, site: LeafSite): Permissions {
  const orgs = siteOrganisations(registry, site);
  const own = new Set(orgs.flatMap((o) => publications(o.id)));
  const up = orgs.flatMap((o) => leafOrganisationPermissions(o).publish.allow.filter((s) => !own.has(s)));
  const domainApi = JS_API.domainApi(leafDomain(site.name));
  return {
    publish: {
      allow: [
        ...new Set(up),
        // Sourcing of the OUTBOX by the hub: the consumer-create reply and the deliveries.
        "$JSC.R.>",
        `${leafDeliverPrefix(site.name)}.>`,
      ],
    },
    subscribe: {
      allow: [
        ...orgs.map((o) => `${inboxPrefix(o.id)}.>`),
        `${domainApi}.CONSUMER.CREATE.${LEAF.outboxStream}`,
        `${domainApi}.CONSUMER.CREATE.${LEAF.outboxStream}.>`,
        JS_API.flowControl(LEAF.outboxStream),
      ],
    },
  };
}
