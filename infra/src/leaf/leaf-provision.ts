/**
 * Provisioning of leaf sites: each leaf gets its OUTBOX (its organisations' publications, kept
 * on the leaf's disk until long after the hub has them), and the hub's COORD, CASE, READS and
 * DEADLETTER streams source every OUTBOX across the link, each with its root as filter. Both
 * steps are idempotent: re-running adds what is missing and leaves the rest alone.
 */
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type StreamSource } from "@nats-io/jetstream";
import { JS_API, LEAF, leafDeliverPrefix, leafDomain, leafOutboxSubjects, ROOTS, STREAMS } from "@schakel/contracts";
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

/** The source of one leaf's OUTBOX for the hub stream of `root`. */
export function outboxSource(site: LeafSite, root: string): StreamSource {
  return {
    name: LEAF.outboxStream,
    filter_subject: `${root}.>`,
    external: { api: JS_API.domainApi(leafDomain(site.name)), deliver: leafDeliverPrefix(site.name) },
  };
}

const HUB_STREAMS = [
  { stream: STREAMS.coord.name, root: ROOTS.coord },
  { stream: STREAMS.case.name, root: ROOTS.case },
  { stream: STREAMS.deadletter.name, root: ROOTS.deadletter },
  { stream: STREAMS.reads.name, root: ROOTS.reads },
];

/**
 * Adds the OUTBOX of every site as a source of the hub's COORD, CASE, DEADLETTER and READS streams
 * (connected as the operator to the hub, after `provision`). Returns the streams it changed.
 */
export async function provisionHubSources(jsm: JetStreamManager, sites: readonly LeafSite[]): Promise<string[]> {
  const changed: string[] = [];
  for (const { stream, root } of HUB_STREAMS) {
    const info = await jsm.streams.info(stream);
    const sources = [...(info.config.sources ?? [])];
    const have = new Set(sources.map((s) => `${s.name}|${s.external?.api ?? ""}`));
    for (const site of sites) {
      const source = outboxSource(site, root);
      if (have.has(`${source.name}|${source.external?.api}`)) continue;
      sources.push(source);
    }
    if (sources.length === (info.config.sources ?? []).length) continue;
    await jsm.streams.update(stream, { ...info.config, sources });
    changed.push(stream);
  }
  return changed;
}
