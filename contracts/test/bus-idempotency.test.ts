/**
 * At-least-once made effectively-once: JetStream stores one envelope id once (Nats-Msg-Id), and
 * the idempotency helpers run a handler's effect once per envelope id even when the message is
 * delivered again — after a failure, after a service restart, or by a rebuilt consumer.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { audienceFilter, feedConsumerName, orgStateBucket, sampleData, STREAMS } from "@schakel/contracts";
import { decodeMessage, HEADERS, idempotent, KvProcessedStore, openBucket, type ConsumeEvent, type Delivery } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { fileBus, storedCount, waitForDrained } from "./helpers.ts";

describe("bus - duplicates and idempotency", () => {
  const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen" });

  it("bus - the same envelope id published twice is stored once; the second ack says duplicate", async () => {
    const jsm = await t.s.jsm();
    const before = await storedCount(jsm, STREAMS.coord.name);
    const prepared = t.ocam.prepare("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const first = await t.ocam.send(prepared);
    const again = await t.ocam.send(prepared);
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq, id: first.id });
    // A new publish that reuses the id (e.g. a retry rebuilt after a lost ack) is also dropped.
    const rebuilt = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen", id: first.id });
    expect(rebuilt).toMatchObject({ duplicate: true, seq: first.seq });
    // An idempotency key derives the same id for the same effect.
    const keyed = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen", idempotencyKey: "threat-update-42" });
    const keyedAgain = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen", idempotencyKey: "threat-update-42" });
    expect(keyedAgain).toMatchObject({ id: keyed.id, duplicate: true, seq: keyed.seq });
    expect(await storedCount(jsm, STREAMS.coord.name)).toBe(before + 2);
    const stored = await jsm.streams.getMessage(STREAMS.coord.name, { seq: first.seq });
    expect(stored!.header.get(HEADERS.msgId)).toBe(first.id);
  });

  it("bus - idempotent() runs the effect once when the message is delivered again after a failure", async () => {
    const kv = await openBucket(t.mechelen, orgStateBucket("mechelen"));
    const effects: string[] = [];
    const attempts: number[] = [];
    const notify = idempotent(new KvProcessedStore(kv, "notify"), (d: Delivery<"coordination.requested">) => void effects.push(d.envelope.id));
    const c = t.mechelen.consume({
      handlers: {
        "coordination.requested": async (d) => {
          attempts.push(d.deliveryCount);
          await notify(d);
          // A later step fails on the first delivery: the message is redelivered, the effect is not repeated.
          if (d.deliveryCount === 1) throw new Error("the case system did not answer");
        },
      },
    });
    const sent = await t.s.connectAs("fed-police").then((b) => b.publish("coordination.requested", sampleData("coordination.requested"), { to: "mechelen" }));
    await waitFor(() => attempts.length === 2, { what: "the redelivery" });
    await waitForDrained(await t.s.jsm(), STREAMS.coord.name, "mechelen--mechelen");
    await c.stop();
    expect(attempts).toEqual([1, 2]);
    expect(effects).toEqual([sent.id]);
  });

  it("bus - KvProcessedStore remembers across a service restart: redelivered and re-read messages do not run again", async () => {
    const kv = await openBucket(t.mechelen, orgStateBucket("mechelen"));
    const sent = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const effects: string[] = [];
    const effect = (d: { envelope: { id: string } }) => void effects.push(d.envelope.id);

    // First service instance: runs the effect, then dies before acknowledging (the nak stands in for the lost ack).
    // It reads mechelen's inbox by hand, on a raw connection with mechelen's own credentials.
    const raw = await t.s.rawAs("mechelen");
    const inbox = await jetstream(raw).consumers.get(STREAMS.coord.name, "mechelen--mechelen");
    const first = await inbox.next({ expires: 5_000 });
    const decode = (m: NonNullable<typeof first>) => {
      const d = decodeMessage({ subject: m.subject, body: m.data, signature: m.headers?.get(HEADERS.signature), storedAt: new Date(m.info.timestampNanos / 1e6) }, { directory: t.s.directory, skewMs: 60_000 });
      if (!d.ok) throw new Error(d.rejection.detail);
      return d;
    };
    expect(decode(first!).envelope.id).toBe(sent.id);
    expect(await idempotent(new KvProcessedStore(kv, "inbox"), effect)(decode(first!))).toBe(true);
    first!.nak();

    // Second instance, fresh memory: the KV record alone makes it skip the redelivered message.
    const second = await inbox.next({ expires: 5_000 });
    expect(second!.info.deliveryCount).toBe(2);
    expect(await idempotent(new KvProcessedStore(kv, "inbox"), effect)(decode(second!))).toBe(false);
    second!.ack();

    // A rebuilt consumer re-reads the whole inbox: consume() with the same store reports a duplicate.
    const slot = feedConsumerName("mechelen", 1);
    await (await jetstreamManager(raw)).consumers.add(STREAMS.coord.name, {
      name: slot, filter_subject: audienceFilter("mechelen"), ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, max_deliver: 5,
    });
    const events: ConsumeEvent[] = [];
    const c = t.mechelen.consume({
      consumers: [{ stream: STREAMS.coord.name, name: slot, filter: audienceFilter("mechelen") }],
      processed: new KvProcessedStore(kv, "inbox"),
      handlers: { "notice.posted": effect },
      onEvent: (e) => events.push(e),
    });
    await waitFor(() => events.some((e) => e.kind === "duplicate" && e.id === sent.id), { what: "the re-read notice to be recognised" });
    await c.stop();
    // The slot also re-reads the earlier notices (never processed with this store); this one ran once.
    expect(effects.filter((id) => id === sent.id)).toEqual([sent.id]);
  });
});
