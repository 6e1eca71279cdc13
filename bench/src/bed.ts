/**
 * The test bed: one secured, provisioned Schakel server on random ports (the harness's), the
 * ~1 KB notice, and per-round pull consumers created by the admin identity in an organisation's
 * feed slots, so that raw nats.js and Schakel read through the same kind of consumer with the same
 * permissions.
 */
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { FEED_SLOTS, feedConsumerName, messageSubject, STREAMS, type InboxConsumer } from "@schakel/contracts";
import type { Bus, ConnectOptions } from "@schakel/contracts/bus";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { noticeOfSize, type NoticeData } from "./payload.ts";
import type { Settings } from "./settings.ts";

/** The organisation that publishes in every scenario (a federal liaison may send notices). */
export const SENDER = "fed-ocam";

/** Each scenario writes to its own audience, so one scenario's messages never reach another's consumers. */
export const AUDIENCE = { publish: "antwerpen", consume: "mechelen", latency: "gent", footprint: "leuven", replay: "vilvoorde" } as const;

export interface Bed {
  server: SchakelServer;
  settings: Settings;
  /** A `notice.posted` whose envelope is ~1 KB. */
  notice: NoticeData;
  connectAs(org: string, opts?: Partial<ConnectOptions>): Promise<Bus>;
  /** Raw nats.js with the organisation's nkey and inbox prefix; `noAsyncTraces` like the bus. */
  rawAs(org: string): Promise<NatsConnection>;
  /** The live subject of a notice from SENDER to `audience`. */
  subject(audience: string): string;
  /** A fresh durable pull consumer in one of `org`'s feed slots; `remove()` frees the slot. */
  feedConsumer(org: string, filter: string, deliver: "all" | "new"): Promise<FeedConsumer>;
  close(): Promise<void>;
}

export interface FeedConsumer {
  consumer: InboxConsumer;
  remove(): Promise<void>;
}

export async function startBed(settings: Settings): Promise<Bed> {
  const server = await startSchakelServer();
  const jsm = await server.jsm();
  const busy = new Map<string, Set<number>>();
  const probe = await server.connectAs(SENDER);
  const notice = noticeOfSize(probe, AUDIENCE.publish);
  await probe.close();

  return {
    server,
    settings,
    notice,
    connectAs: (org, opts) => server.connectAs(org, opts),
    rawAs: (org) => server.rawAs(org),
    subject: (audience) => messageSubject("notice.posted", audience, SENDER),
    async feedConsumer(org, filter, deliver) {
      const used = busy.get(org) ?? new Set<number>();
      busy.set(org, used);
      const slot = Array.from({ length: FEED_SLOTS }, (_, i) => i + 1).find((n) => !used.has(n));
      if (slot === undefined) throw new Error(`all ${FEED_SLOTS} feed slots of ${org} are in use`);
      used.add(slot);
      const name = feedConsumerName(org, slot);
      await jsm.consumers.delete(STREAMS.coord.name, name).catch(() => false);
      await jsm.consumers.add(STREAMS.coord.name, {
        durable_name: name,
        filter_subject: filter,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: deliver === "all" ? DeliverPolicy.All : DeliverPolicy.New,
        ack_wait: 30 * 1e9,
        max_deliver: 5,
        max_ack_pending: 1_000,
      });
      return {
        consumer: { stream: STREAMS.coord.name, name, filter },
        async remove() {
          await jsm.consumers.delete(STREAMS.coord.name, name).catch(() => false);
          used.delete(slot);
        },
      };
    },
    close: () => server.cleanup(),
  };
}
