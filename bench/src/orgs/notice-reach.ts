/**
 * A notice addressed to every municipality (the `local` audience) on a running `schakel up`: how
 * long until every municipality holds it (the storage time of the last municipality's delivery
 * receipt, sent once its service recorded the notice), and how long after that until the
 * platform's delivery record says every municipality has it (its read model, asked every 100 ms).
 * `openNoticeReach` posts such notices one after another (scenario 8 posts one; the profile tool
 * `profile/notice-reach.ts` several, and reads more of each).
 */
import { readFile } from "node:fs/promises";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { audienceFilter, STREAMS } from "@schakel/contracts";
import { connectBus, KeyDirectory, readCredentials, seedAuthenticator } from "@schakel/contracts/bus";
import { credentialsPath, directoryPath } from "@schakel/infra";
import { postNotice } from "@schakel/organisation";
import { noticeStatus, openPlatformStores, type PlatformStores } from "@schakel/platform";

export const NOTICE_SENDER = "fed-ocam";

export interface NoticeReach {
  municipalities: number;
  /** Post to the last municipality's delivery receipt stored, ms. */
  heldMs: number;
  /** From then until the platform's record shows every municipality, ms. */
  platformMs: number;
}

/** One notice to every municipality, as it went (times are Date.now() and the server's storage times, ms). */
export interface ReachRun {
  noticeId: string;
  postedAt: number;
  /** Each municipality's delivery receipt, stored at (sorted). */
  stored: number[];
  /** When the platform's read model first showed every municipality. */
  shownAt: number;
  /** How long each read of the read model took, ms. */
  reads: number[];
}

export interface NoticeReachBench {
  municipalities: ReadonlySet<string>;
  /** The platform's stores, as the platform's own connection opens them. */
  stores: PlatformStores;
  /** The admin's connection (reads any stream or bucket). */
  admin: NatsConnection;
  /** Posts one notice to every municipality and follows it until the platform's read model shows them all. */
  post(title: string): Promise<ReachRun>;
  close(): Promise<void>;
}

export async function openNoticeReach(url: string, dataDir: string, platform: string, timeoutMs: number): Promise<NoticeReachBench> {
  const directory = KeyDirectory.fromFile(directoryPath(dataDir));
  const municipalities = new Set(directory.organisations.filter((o) => o.level === "local").map((o) => o.id));
  const connectAs = async (org: string) => connectBus({ servers: url, credentials: await readCredentials(credentialsPath(dataDir, org)), directory });
  const sender = await connectAs(NOTICE_SENDER);
  const asPlatform = await connectAs(platform);
  const adminSeed = (JSON.parse(await readFile(credentialsPath(dataDir, "admin"), "utf8")) as { seed: string }).seed;
  const admin = await connect({ servers: url, authenticator: seedAuthenticator(adminSeed), noAsyncTraces: true });
  const stores = await openPlatformStores(asPlatform);
  return {
    municipalities, stores, admin,
    async post(title) {
      const deadline = Date.now() + timeoutMs;
      // Everything addressed to the sender from now on (a string: one filter, as nats-server 2.9 takes it).
      const receipts = await jetstream(admin).consumers.get(STREAMS.coord.name, { filter_subjects: audienceFilter(NOTICE_SENDER), deliver_policy: DeliverPolicy.New });
      const postedAt = Date.now();
      const posted = await postNotice(sender, { to: ["local"], title, body: "Every municipality activates its heat plan today.", category: "information" });
      const stored: number[] = [];
      const held = new Set<string>();
      const messages = await receipts.consume();
      const timer = setTimeout(() => messages.stop(), timeoutMs);
      for await (const m of messages) {
        const envelope = m.json<{ type: string; sender: string; data: { noticeId?: string } }>();
        if (envelope.type !== "notice.delivered" || envelope.data.noticeId !== posted.noticeId || !municipalities.has(envelope.sender)) continue;
        held.add(envelope.sender);
        stored.push(Number(m.info.timestampNanos) / 1e6);
        if (held.size === municipalities.size) break;
      }
      clearTimeout(timer);
      await messages.close();
      if (held.size < municipalities.size) throw new Error(`${held.size} of ${municipalities.size} municipalities held the notice within ${timeoutMs / 1000} s`);
      const reads: number[] = [];
      for (;;) {
        const t0 = Date.now();
        const status = await noticeStatus(stores, posted.noticeId);
        reads.push(Date.now() - t0);
        const reached = status?.recipients.filter((r) => municipalities.has(r.org) && r.state !== "pending").length ?? 0;
        if (reached === municipalities.size) break;
        if (Date.now() > deadline) throw new Error(`the platform's record showed ${reached} of ${municipalities.size} municipalities within ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return { noticeId: posted.noticeId, postedAt, stored: stored.sort((a, b) => a - b), shownAt: Date.now(), reads };
    },
    async close() {
      await Promise.allSettled([sender.close(), asPlatform.close(), admin.close()]);
    },
  };
}

export async function measureNoticeReach(url: string, dataDir: string, platform: string, timeoutMs: number): Promise<NoticeReach> {
  const bench = await openNoticeReach(url, dataDir, platform, timeoutMs);
  try {
    const run = await bench.post("Heat wave: activate the local plan");
    const lastStored = run.stored.at(-1)!;
    return { municipalities: bench.municipalities.size, heldMs: lastStored - run.postedAt, platformMs: Math.max(0, run.shownAt - lastStored) };
  } finally {
    await bench.close();
  }
}
