/**
 * Provisioning of leaf sites: each leaf gets its OUTBOX (its organisations' publications, kept
 * on the leaf's disk until long after the hub has them), and the hub's COORD, CASE, READS and
 * DEADLETTER streams source every OUTBOX across the link. Both steps are idempotent: re-running
 * adds what is missing, corrects a source's filter, and leaves the rest alone.
 *
 * The source filter is what the hub takes from a leaf whose operator controls everything there
 * (its OUTBOX's subjects included). For a leaf that hosts one organisation it is that
 * organisation's own subjects of the root (`deadletter.<org>.>`, `coord.*.<org>.>`, …), so nothing
 * stored there under another organisation's name reaches the hub — not even an unsigned
 * dead-letter record, which no reader verifies. nats-server 2.9 takes one filter per source (and
 * one source per stream and leaf), so a leaf that hosts several organisations is sourced by root;
 * its signed messages are still verified by every reader.
 */
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type StreamSource } from "@nats-io/jetstream";
import { deadLetterFilter, JS_API, LEAF, leafDeliverPrefix, leafDomain, leafOutboxSubjects, readsFilter, ROOTS, senderFilter, STREAMS } from "@schakel/contracts";
import { OUTBOX_WAIT_MS } from "@schakel/contracts/bus";
import { DEFAULT_RETENTION, type RetentionSettings } from "../provision.ts";
import type { LeafSite } from "./leaf-sites.ts";

const DAY_NS = 24 * 3600 * 1e9;

/**
 * How long a leaf keeps what it has forwarded (default 30 days: covers a long outage, and a
 * restore). Receivers accept a message that waited in an OUTBOX this long (OUTBOX_WAIT_MS).
 */
export const DEFAULT_OUTBOX_DAYS = OUTBOX_WAIT_MS / 86_400_000;

/** The OUTBOX stream of a leaf site. */
export function outboxConfig(site: LeafSite, opts: { retention?: RetentionSettings; maxMsgSize?: number; outboxDays?: number } = {}): Partial<StreamConfig> & { name: string } {
  const r = opts.retention ?? DEFAULT_RETENTION;
  return {
    name: LEAF.outboxStream,
    subjects: leafOutboxSubjects(site.organisations),
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: 1,
    max_age: (opts.outboxDays ?? DEFAULT_OUTBOX_DAYS) * DAY_NS,
    duplicate_window: r.duplicateWindowMinutes * 60 * 1e9,
    max_msg_size: opts.maxMsgSize ?? 1024 * 1024,
    deny_delete: true,
    deny_purge: true,
    description: `store-and-forward of ${site.organisations.join(", ")} at leaf ${site.name}`,
  };
}

/** Creates the OUTBOX on a leaf (connected as the operator to that leaf); "unchanged" when it exists. */
export async function provisionLeafOutbox(jsm: JetStreamManager, site: LeafSite, opts: Parameters<typeof outboxConfig>[1] = {}): Promise<"created" | "updated" | "unchanged"> {
  const cfg = outboxConfig(site, opts);
  const info = await jsm.streams.info(cfg.name).catch(() => null);
  if (!info) {
    await jsm.streams.add(cfg);
    return "created";
  }
  const subjects = [...(info.config.subjects ?? [])].sort().join(",");
  if (subjects === [...cfg.subjects!].sort().join(",")) return "unchanged";
  // Hosting one more organisation only widens the subjects; the stored messages stay.
  await jsm.streams.update(cfg.name, { ...info.config, subjects: cfg.subjects! });
  return "updated";
}

/** What the hub takes of `root` from a leaf: its one organisation's subjects, or the whole root when it hosts several. */
export function outboxFilter(site: LeafSite, root: HubRoot): string {
  const [only, ...more] = site.organisations;
  if (only === undefined || more.length) return `${root}.>`;
  switch (root) {
    case ROOTS.coord:
    case ROOTS.case:
      return senderFilter(only, root);
    case ROOTS.deadletter:
      return deadLetterFilter(only);
    case ROOTS.reads:
      return readsFilter(only);
  }
}

/** The source of one leaf's OUTBOX for the hub stream of `root`. */
export function outboxSource(site: LeafSite, root: HubRoot): StreamSource {
  return {
    name: LEAF.outboxStream,
    filter_subject: outboxFilter(site, root),
    external: { api: JS_API.domainApi(leafDomain(site.name)), deliver: leafDeliverPrefix(site.name) },
  };
}

/** The roots the hub sources from every OUTBOX. */
export type HubRoot = typeof ROOTS.coord | typeof ROOTS.case | typeof ROOTS.deadletter | typeof ROOTS.reads;

const HUB_STREAMS: { stream: string; root: HubRoot }[] = [
  { stream: STREAMS.coord.name, root: ROOTS.coord },
  { stream: STREAMS.case.name, root: ROOTS.case },
  { stream: STREAMS.deadletter.name, root: ROOTS.deadletter },
  { stream: STREAMS.reads.name, root: ROOTS.reads },
];

/**
 * Adds the OUTBOX of every site as a source of the hub's COORD, CASE, DEADLETTER and READS streams
 * (connected as the operator to the hub, after `provision`), and corrects the filter of a source
 * that has another one (a hub provisioned by the previous release sourced every leaf by root; the
 * server then goes on from the last message it took). Returns the streams it changed.
 */
export async function provisionHubSources(jsm: JetStreamManager, sites: readonly LeafSite[]): Promise<string[]> {
  const changed: string[] = [];
  const keyOf = (s: StreamSource) => `${s.name}|${s.external?.api ?? ""}`;
  for (const { stream, root } of HUB_STREAMS) {
    const info = await jsm.streams.info(stream);
    const before = info.config.sources ?? [];
    const wanted = new Map(sites.map((site) => {
      const source = outboxSource(site, root);
      return [keyOf(source), source] as const;
    }));
    const sources = before.map((s) => {
      const want = wanted.get(keyOf(s));
      wanted.delete(keyOf(s));
      return want && want.filter_subject !== s.filter_subject ? { ...s, filter_subject: want.filter_subject } : s;
    });
    sources.push(...wanted.values());
    if (JSON.stringify(sources) === JSON.stringify(before)) continue;
    await jsm.streams.update(stream, { ...info.config, sources });
    changed.push(stream);
  }
  return changed;
}
