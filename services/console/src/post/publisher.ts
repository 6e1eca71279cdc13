/**
 * Publishing a validated notice as a liaison (acknowledging one as a recipient, raising a signal,
 * requesting and answering coordination), through the runtime's `postNotice` — the same path
 * the liaison's own service uses, so the notice is recorded among its sent notices and the
 * receipts that come back find it. Each carries the signed-in person who acted (`actor`). One bus
 * connection per organisation posted as, opened on first use and kept until the console stops;
 * after an outage an action waits for it to reconnect (connection-ready.ts); told where the
 * organisation keeps its case keys (`<data>/case-keys/<org>`), so case content opens on it (the
 * case pages).
 */
import type { Actor, InputOf } from "@schakel/contracts";
import { connectBus, type Bus, type ReadInput } from "@schakel/contracts/bus";
import {
  acknowledgeNotice, postNotice, useCaseKeys, type CaseKeyStore, raiseSignal, requestCoordination, respondToCoordination,
  type AcknowledgeOutcome, type RaisedSignal, type RequestedCoordination, type RespondOutcome,
} from "@schakel/organisation";
import type { IdentitySource } from "../identities.ts";
import { connectionReady, type ConnectionReady } from "./connection-ready.ts";

export interface PostedNotice {
  noticeId: string;
  traceId: string;
  published: { audience: string; id: string; seq: number }[];
}

export interface NoticePublisher {
  post(from: string, audiences: string[], data: InputOf<"notice.posted">, actor?: Actor): Promise<PostedNotice>;
  /** Acknowledges receipt of a notice as `org` (a recipient), through the runtime's `acknowledgeNotice`. */
  acknowledge(org: string, noticeId: string, remark?: string, actor?: Actor): Promise<AcknowledgeOutcome>;
  /** Raises a signal as `org` (to the platform), through the runtime's `raiseSignal`. */
  raiseSignal(org: string, data: InputOf<"signal.raised">, actor?: Actor): Promise<RaisedSignal>;
  /** Asks `to` for coordination as `org`, through the runtime's `requestCoordination`. */
  requestCoordination(org: string, to: string, data: InputOf<"coordination.requested">, actor?: Actor): Promise<RequestedCoordination>;
  /** Answers a request that reached `org`, through the runtime's `respondToCoordination` (answering twice sends nothing new). */
  answerCoordination(org: string, data: InputOf<"coordination.responded">, actor?: Actor): Promise<RespondOutcome>;
  /** Records a read in the read audit as `org` (the reader's organisation), once READS stored it. */
  recordRead(org: string, read: ReadInput): Promise<unknown>;
  /** `org`'s connection (case work reads the organisation's own bucket and case keys through it). */
  connection(org: string): Promise<Bus>;
  close(): Promise<void>;
}

export interface PublisherOptions {
  /** Where an organisation keeps its case keys (the data folder's `case-keys/<org>`); absent: case content does not open. */
  caseKeys?: (org: string) => CaseKeyStore;
}

/** A publisher that connects to `servers` with the credentials of the organisation posting. */
export function noticePublisher(servers: string | string[], identities: IdentitySource, opts: PublisherOptions = {}): NoticePublisher {
  const buses = new Map<string, Promise<{ bus: Bus; connected: ConnectionReady }>>();
  /** `org`'s connection, once it is connected (after an outage it may reconnect later than the console's feed). */
  const busOf = async (org: string): Promise<Bus> => {
    let opened = buses.get(org);
    if (!opened) {
      opened = identities.connection(org).then((connection) => connectBus({ servers, ...connection, directory: identities.directory, name: `schakel-console:${org}` })).then((bus) => {
        if (opts.caseKeys) useCaseKeys(bus, opts.caseKeys(org));
        return { bus, connected: connectionReady(bus, org) };
      });
      // A failed connection is not cached: the next post tries again.
      opened.catch(() => buses.delete(org));
      buses.set(org, opened);
    }
    const { bus, connected } = await opened;
    await connected.ready();
    return bus;
  };
  return {
    async post(from, audiences, data, actor) {
      const bus = await busOf(from);
      const posted = await postNotice(bus, {
        noticeId: data.noticeId, to: audiences, title: data.title, body: data.body, category: data.category,
        ackRequired: data.ackRequired ?? false, ...(data.ackBy ? { ackBy: data.ackBy } : {}),
        ...(data.preventionTier ? { preventionTier: data.preventionTier } : {}),
        ...(data.extremismForms?.length ? { extremismForms: data.extremismForms } : {}),
        ...(data.caseRef ? { caseRef: data.caseRef } : {}),
        ...(actor ? { actor } : {}),
      });
      return { noticeId: posted.noticeId, traceId: posted.traceId, published: posted.copies.map((c) => ({ audience: c.audience, id: c.id, seq: c.seq })) };
    },
    async acknowledge(org, noticeId, remark, actor) {
      return acknowledgeNotice(await busOf(org), { noticeId, ...(remark ? { remark } : {}), ...(actor ? { actor } : {}) });
    },
    async raiseSignal(org, data, actor) {
      return raiseSignal(await busOf(org), { ...data, ...(actor ? { actor } : {}) });
    },
    async requestCoordination(org, to, data, actor) {
      return requestCoordination(await busOf(org), { ...data, to, ...(actor ? { actor } : {}) });
    },
    async answerCoordination(org, data, actor) {
      return respondToCoordination(await busOf(org), { ...data, ...(actor ? { actor } : {}) });
    },
    async recordRead(org, read) {
      return (await busOf(org)).recordRead(read);
    },
    connection: busOf,
    async close() {
      const all = [...buses.values()];
      buses.clear();
      await Promise.allSettled(all.map(async (opened) => {
        const { bus, connected } = await opened;
        connected.stop();
        await bus.close();
      }));
    },
  };
}
