/**
 * What a policy domain sees of its updates: per update, the municipalities that confirmed
 * reading it and the local partners it was routed to (who took it up), from the `digest.read`
 * and `digest.item.routed` messages addressed to it, kept in its own state.
 */
import { actorRefOf, SchakelError } from "@schakel/contracts";
import { RecordBucket, type Bus, type Delivery } from "@schakel/contracts/bus";
import { municipalitiesOf } from "../addressing.ts";
import { ORG_RECORD_PREFIXES, orgState, type OrgState } from "../state.ts";
import { PolicyUpdateRecord, UPDATE_UPTAKE_LIMIT } from "./update-record.ts";

const buckets = new WeakMap<OrgState, RecordBucket<typeof PolicyUpdateRecord>>();

/** The policy domain's records of its updates, in its state bucket `org-<id>`. */
export function policyUpdatesIn(state: OrgState): RecordBucket<typeof PolicyUpdateRecord> {
  let b = buckets.get(state);
  if (!b) {
    b = new RecordBucket(state.digests.kv, PolicyUpdateRecord, "policy update", ORG_RECORD_PREFIXES.policyUpdates);
    buckets.set(state, b);
  }
  return b;
}

const actorOf = (envelope: Parameters<typeof actorRefOf>[0]) => {
  const actor = actorRefOf(envelope);
  return actor ? { actor } : {};
};
const empty = (updateId: string): PolicyUpdateRecord => ({ updateId, reads: [], routes: [] });

/** Records an update this domain published (merged with reads that may have arrived first). */
export async function recordPublishedUpdate(state: OrgState, update: Omit<PolicyUpdateRecord, "reads" | "routes">): Promise<void> {
  await policyUpdatesIn(state).mutate(update.updateId, (cur) => ({ ...(cur ?? empty(update.updateId)), ...update }));
}

/** A municipality confirmed reading items: the first confirmation per municipality of each of this domain's updates is kept. */
export async function receiveDigestRead(state: OrgState, d: Delivery<"digest.read">): Promise<number> {
  const { data, envelope } = d;
  let kept = 0;
  for (const item of data.items.filter((i) => i.publishedBy === state.org)) {
    await policyUpdatesIn(state).mutate(item.updateId, (cur) => {
      const r = cur ?? empty(item.updateId);
      if (r.reads.some((x) => x.municipality === data.municipality) || r.reads.length >= UPDATE_UPTAKE_LIMIT) return undefined;
      kept++;
      const actor = actorOf(envelope);
      return { ...r, reads: [...r.reads, { municipality: data.municipality, digestId: data.digestId, at: data.readAt, messageId: envelope.id, ...actor }] };
    });
  }
  return kept;
}

/** A municipality routed one of this domain's updates to a local partner. */
export async function receiveDigestRoute(state: OrgState, d: Delivery<"digest.item.routed">): Promise<boolean> {
  const { data, envelope } = d;
  if (data.item.publishedBy !== state.org) return false;
  const stored = await policyUpdatesIn(state).mutate(data.item.updateId, (cur) => {
    const r = cur ?? empty(data.item.updateId);
    if (r.routes.some((x) => x.routeId === data.routeId) || r.routes.length >= UPDATE_UPTAKE_LIMIT) return undefined;
    const actor = actorOf(envelope);
    return {
      ...r,
      routes: [...r.routes, { routeId: data.routeId, municipality: data.municipality, partner: data.partner, at: data.routedAt, messageId: envelope.id, ...(data.remark ? { remark: data.remark } : {}), ...actor }],
    };
  });
  return stored !== undefined;
}

/** One update's uptake: the record, and the municipalities it concerns that have not confirmed reading it. */
export interface UpdateUptake {
  update: PolicyUpdateRecord;
  /** Municipalities the update concerns (from its audiences); empty for an update published before records were kept. */
  concerned: string[];
  notRead: string[];
}

/** The uptake of one update of the bus's organisation. @throws SchakelError `not-found` naming the update and how to list them */
export async function policyUpdateStatus(bus: Bus, updateId: string): Promise<UpdateUptake> {
  const found = await policyUpdatesIn(await orgState(bus)).get(updateId);
  if (!found) throw new SchakelError("not-found", `${bus.org} has no record of update ${updateId}; list its updates with: schakel policy list --as ${bus.org}`, { updateId, org: bus.org });
  return uptakeOf(bus, found.value);
}

function uptakeOf(bus: Bus, update: PolicyUpdateRecord): UpdateUptake {
  const concerned = update.concerns ? municipalitiesOf(bus.directory, update.concerns.filter((a) => bus.directory.isAudience(a))) : [];
  const read = new Set(update.reads.map((r) => r.municipality));
  return { update, concerned, notRead: concerned.filter((m) => !read.has(m)) };
}

/** The bus's organisation's updates with their uptake, newest first. */
export async function policyUpdates(bus: Bus): Promise<UpdateUptake[]> {
  const all = (await policyUpdatesIn(await orgState(bus)).list()).map((r) => r.value);
  return all.sort((a, b) => (b.publishedAt ?? "").localeCompare(a.publishedAt ?? "")).map((u) => uptakeOf(bus, u));
}
