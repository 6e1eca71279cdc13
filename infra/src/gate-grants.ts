/**
 * What the consumer gate lets each tenant create and delete: the `gate` grants of permissions.ts.
 * A tenant's account forwards all of its consumer creates and deletes to the gate with one import
 * per verb (`$JS.API.CONSUMER.CREATE.>` → `gate.<tenant>.create.>`), so the broker's config does
 * not carry some 80 imports per organisation that nats-server parses at every start and reload.
 * The exact list lives here instead, and the gate checks every request against it, the way
 * nats-server matched the exact imports before: a grant's `*` and `>` are wildcards, the request's
 * tokens are taken as they are. The tenant's user permissions (and its leaf link's) carry the same
 * exact list, so a request outside it is refused twice: by the broker at the tenant's connection,
 * and here.
 */
import { AUDIT_ACCOUNT, subjectMatches, type Registry } from "@schakel/contracts";
import { auditGrants, organisationGrants } from "./permissions.ts";

/** The create and delete subjects one tenant may send to the gate. */
interface TenantGateGrants {
  exact: Set<string>;
  patterns: string[];
}

export interface GateGrants {
  /** Whether `account` (an organisation's id, or the audit's account) is a tenant of the registry. */
  knows(account: string): boolean;
  /** Whether `account` may send `apiSubject` through the gate. */
  allows(account: string, apiSubject: string): boolean;
}

/**
 * The gate grants of every tenant of `registry`, worked out for a tenant when it first asks (at 600
 * organisations a start does not pay for the ones that never create a consumer).
 */
export function gateGrantsOf(registry: Registry): GateGrants {
  const organisations = new Map(registry.organisations.map((o) => [o.id, o]));
  const known = new Map<string, TenantGateGrants>();
  const grantsOf = (account: string): TenantGateGrants | undefined => {
    let held = known.get(account);
    if (held) return held;
    const org = organisations.get(account);
    const grants = account === AUDIT_ACCOUNT ? auditGrants() : org ? organisationGrants(org) : undefined;
    if (!grants) return undefined;
    const subjects = grants.filter((g) => g.kind === "gate").map((g) => g.subject);
    held = { exact: new Set(subjects), patterns: subjects.filter((s) => /(^|\.)[*>](\.|$)/.test(s)) };
    known.set(account, held);
    return held;
  };
  return {
    knows: (account) => account === AUDIT_ACCOUNT || organisations.has(account),
    allows(account, apiSubject) {
      const held = grantsOf(account);
      return held !== undefined && (held.exact.has(apiSubject) || held.patterns.some((p) => subjectMatches(p, apiSubject)));
    },
  };
}
