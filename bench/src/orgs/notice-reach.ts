/**
 * A notice addressed to every municipality (the `local` audience) on a running `schakel up`: how
 * long until every municipality holds it (the storage time of the last municipality's delivery
 * receipt, sent once its service recorded the notice), and how long after that until the
 * platform's delivery record says every municipality has it (its read model, asked every 100 ms).
 */
import { readFile } from "node:fs/promises";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { audienceFilter, STREAMS } from "@schakel/contracts";
import { connectBus, KeyDirectory, readCredentials, seedAuthenticator } from "@schakel/contracts/bus";
import { credentialsPath, directoryPath } from "@schakel/infra";
import { postNotice } from "@schakel/organisation";
import { noticeStatus, openPlatformStores } from "@schakel/platform";

export const NOTICE_SENDER = "fed-ocam";

export interface NoticeReach {
  municipalities: number;
  /** Post to the last municipality's delivery receipt stored, ms. */
  heldMs: number;
  /** From then until the platform's record shows every municipality, ms. */
  platformMs: number;
}

export async function measureNoticeReach(url: string, dataDir: string, platform: string, timeoutMs: number): Promise<NoticeReach> {
  const directory = KeyDirectory.fromFile(directoryPath(dataDir));
  const municipalities = new Set(directory.organisations.filter((o) => o.level === "local").map((o) => o.id));
  const connectAs = async (org: string) => connectBus({ servers: url, credentials: await readCredentials(credentialsPath(dataDir, org)), directory });
  const sender = await connectAs(NOTICE_SENDER);
  const asPlatform = await connectAs(platform);
  const admin = JSON.parse(await readFile(credentialsPath(dataDir, "admin"), "utf8")) as { seed: string };
  const nc = await connect({ servers: url, authenticator: seedAuthenticator(admin.seed), noAsyncTraces: true });
  const deadline = Date.now() + timeoutMs;
  try {
    const stores = await openPlatformStores(asPlatform);
    // Everything addressed to the sender from now on (a string: one filter, as nats-server 2.9 takes it).
    const receipts = await jetstream(nc).consumers.get(STREAMS.coord.name, { filter_subjects: audienceFilter(NOTICE_SENDER), deliver_policy: DeliverPolicy.New });
    const postedAt = Date.now();
    const posted = await postNotice(sender, { to: ["local"], title: "Heat wave: activate the local plan", body: "Every municipality activates its heat plan today.", category: "information" });
    const held = new Set<string>();
    let lastStored = 0;
    const messages = await receipts.consume();
    const timer = setTimeout(() => messages.stop(), timeoutMs);
    for await (const m of messages) {
      const envelope = m.json<{ type: string; sender: string; data: { noticeId?: string } }>();
      if (envelope.type !== "notice.delivered" || envelope.data.noticeId !== posted.noticeId || !municipalities.has(envelope.sender)) continue;
      held.add(envelope.sender);
      lastStored = Math.max(lastStored, Number(m.info.timestampNanos) / 1e6);
      if (held.size === municipalities.size) break;
    }
    clearTimeout(timer);
    if (held.size < municipalities.size) throw new Error(`${held.size} of ${municipalities.size} municipalities held the notice within ${timeoutMs / 1000} s`);
    for (;;) {
      const status = await noticeStatus(stores, posted.noticeId);
      const reached = status?.recipients.filter((r) => municipalities.has(r.org) && r.state !== "pending").length ?? 0;
      if (reached === municipalities.size) break;
      if (Date.now() > deadline) throw new Error(`the platform's record showed ${reached} of ${municipalities.size} municipalities within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const completeAt = Date.now();
    return { municipalities: municipalities.size, heldMs: lastStored - postedAt, platformMs: Math.max(0, completeAt - lastStored) };
  } finally {
    await Promise.allSettled([sender.close(), asPlatform.close(), nc.close()]);
  }
}
