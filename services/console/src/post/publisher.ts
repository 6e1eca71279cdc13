/**
 * Publishing a validated notice as a liaison (and acknowledging one as a recipient), through the runtime's `postNotice` — the same path
 * the liaison's own service uses, so the notice is recorded among its sent notices and the
 * receipts that come back find it. One bus connection per organisation posted as, opened on
 * first use and kept until the console stops.
 */
import type { InputOf } from "@schakel/contracts";
import { connectBus, type Bus } from "@schakel/contracts/bus";
import { acknowledgeNotice, postNotice, type AcknowledgeOutcome } from "@schakel/organisation";
import type { IdentitySource } from "../identities.ts";

export interface PostedNotice {
  noticeId: string;
  traceId: string;
  published: { audience: string; id: string; seq: number }[];
}

export interface NoticePublisher {
  post(from: string, audiences: string[], data: InputOf<"notice.posted">): Promise<PostedNotice>;
  /** Acknowledges receipt of a notice as `org` (a recipient), through the runtime's `acknowledgeNotice`. */
  acknowledge(org: string, noticeId: string, remark?: string): Promise<AcknowledgeOutcome>;
  close(): Promise<void>;
}

/** A publisher that connects to `servers` with the credentials of the organisation posting. */
export function noticePublisher(servers: string | string[], identities: IdentitySource): NoticePublisher {
  const buses = new Map<string, Promise<Bus>>();
  const busOf = (org: string): Promise<Bus> => {
    let bus = buses.get(org);
    if (!bus) {
      bus = identities.credentials(org).then((credentials) =>
        connectBus({ servers, credentials, directory: identities.directory, name: `schakel-console:${org}` }));
      // A failed connection is not cached: the next post tries again.
      bus.catch(() => buses.delete(org));
      buses.set(org, bus);
    }
    return bus;
  };
  return {
    async post(from, audiences, data) {
      const bus = await busOf(from);
      const posted = await postNotice(bus, {
        noticeId: data.noticeId, to: audiences, title: data.title, body: data.body, category: data.category,
        ackRequired: data.ackRequired ?? false, ...(data.ackBy ? { ackBy: data.ackBy } : {}),
        ...(data.preventionTier ? { preventionTier: data.preventionTier } : {}),
        ...(data.extremismForms?.length ? { extremismForms: data.extremismForms } : {}),
        ...(data.caseRef ? { caseRef: data.caseRef } : {}),
      });
      return { noticeId: posted.noticeId, traceId: posted.traceId, published: posted.copies.map((c) => ({ audience: c.audience, id: c.id, seq: c.seq })) };
    },
    async acknowledge(org, noticeId, remark) {
      return acknowledgeNotice(await busOf(org), { noticeId, ...(remark ? { remark } : {}) });
    },
    async close() {
      const all = [...buses.values()];
      buses.clear();
      await Promise.allSettled(all.map(async (b) => (await b).close()));
    },
  };
}
