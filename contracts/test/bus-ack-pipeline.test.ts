import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headers } from "@nats-io/transport-node";
import { inboxPrefix, messageSubject, STREAMS } from "@schakel/contracts";
import { JetStreamError } from "@nats-io/jetstream";
import { AckPipeline, publishError } from "@schakel/contracts/bus";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";

const body = new TextEncoder().encode("{}");

describe("bus - ack pipeline", () => {
  let s: SchakelServer;
  beforeAll(async () => {
    s = await startSchakelServer();
  });
  afterAll(() => s?.cleanup());

  it("bus - pipelined publishes resolve with their own acks; a repeated message id is flagged duplicate", async () => {
    const pipe = new AckPipeline(await s.rawAs("fed-ocam"), { inboxPrefix: inboxPrefix("fed-ocam") });
    const subject = messageSubject("notice.posted", "mechelen", "fed-ocam");
    const acks = await Promise.all(Array.from({ length: 300 }, () => pipe.publish(subject, body)));
    const seqs = acks.map((a) => a.seq);
    expect(new Set(seqs).size).toBe(300);
    expect(acks.every((a) => a.stream === STREAMS.coord.name && a.duplicate === false)).toBe(true);
    const h = () => {
      const x = headers();
      x.set("Nats-Msg-Id", "ack-pipeline-test-1");
      return x;
    };
    const first = await pipe.publish(subject, body, h());
    const again = await pipe.publish(subject, body, h());
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
    pipe.close();
  });

  it("bus - a subject no stream stores fails with no responders, a refused one with the permissions violation", async () => {
    const admin = new AckPipeline(await s.admin());
    await expect(admin.publish("nostream.here", body)).rejects.toThrow(/no responders/i);
    admin.close();
    const pipe = new AckPipeline(await s.rawAs("fed-ocam"), { inboxPrefix: inboxPrefix("fed-ocam"), timeoutMs: 20_000 });
    const started = performance.now();
    await expect(pipe.publish(messageSubject("notice.posted", "mechelen", "vpr"), body)).rejects.toThrow(/permissions violation/i);
    expect(performance.now() - started).toBeLessThan(10_000);
    pipe.close();
  });

  it("bus - an empty or unreadable ack is nats.js's JetStreamError, which publishError reports as a failure, not an outage", async () => {
    const nc = await s.admin();
    // A responder that is no stream: it answers with bytes that are no ack.
    const fake = nc.subscribe("fake.stream.>", { callback: (_err, m) => void m.respond(m.subject.endsWith("empty") ? new Uint8Array() : new TextEncoder().encode("not json")) });
    const pipe = new AckPipeline(nc);
    const unreadable = await pipe.publish("fake.stream.garbled", body).catch((e: unknown) => e);
    expect(unreadable).toBeInstanceOf(JetStreamError);
    expect(publishError(unreadable, "fake.stream.garbled", "admin")).toMatchObject({ code: "failed", retryable: false, message: expect.stringContaining("unreadable JetStream ack for fake.stream.garbled") });
    const empty = await pipe.publish("fake.stream.empty", body).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(JetStreamError);
    expect((empty as Error).message).toContain("empty ack");
    pipe.close();
    fake.unsubscribe();
  });

  it("bus - an unanswered publish times out, and a closed connection fails what waits and what comes", async () => {
    const nc = await s.admin();
    const silent = nc.subscribe("silent.subject", { callback: () => {} });
    const pipe = new AckPipeline(nc, { timeoutMs: 200 });
    await expect(pipe.publish("silent.subject", body)).rejects.toThrow(/timeout/i);
    silent.unsubscribe();
    const other = await s.rawAs("gent");
    const closing = new AckPipeline(other, { inboxPrefix: inboxPrefix("gent") });
    const waiting = closing.publish(messageSubject("notice.acknowledged", "fed-ocam", "gent"), body);
    await other.close();
    await expect(waiting.then(() => "acked", (e: Error) => e.name)).resolves.toMatch(/acked|ClosedConnectionError/);
    await expect(closing.publish(messageSubject("notice.acknowledged", "fed-ocam", "gent"), body)).rejects.toThrow(/closed/i);
  });
});
