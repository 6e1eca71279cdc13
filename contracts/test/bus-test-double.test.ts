/**
 * The test double of the bus (`@schakel/contracts/bus/testing`), without a server: messages are
 * built and signed by the real sending code and verified by the consumers' decode path, so a
 * handler test sees what production would — replies with causation and correlation, forged and
 * badly addressed messages refused before any handler runs.
 */
import { describe, expect, it } from "vitest";
import { messageSubject, sampleData } from "@schakel/contracts";
import { HandlerRefusal, type Handlers } from "@schakel/contracts/bus";
import { TestBus } from "@schakel/contracts/bus/testing";
import { organisations } from "./test-organisations.ts";

// Keys are made once per file (pure-JS key generation takes a while); every test has its own bus.
const orgs = organisations();

const dec = new TextDecoder();

/** mechelen's bus with a handler that sends the delivery receipt; `runs` counts handler runs. */
function receiver() {
  const bus = new TestBus({ org: "mechelen", organisations: orgs });
  const runs: string[] = [];
  const handlers: Handlers = {
    "notice.posted": async (d) => {
      runs.push(d.envelope.id);
      await d.reply("notice.delivered", { noticeId: d.data.noticeId, recipient: "mechelen", deliveredAt: new Date().toISOString() }, { to: d.envelope.sender });
    },
  };
  bus.consume({ handlers });
  return { bus, runs };
}

describe("test bus", () => {
  it("test bus - a handler's reply is recorded with causation, correlation and trace from the message", async () => {
    const { bus, runs } = receiver();
    const notice = orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen", correlationId: "0190b8d5-7a6e-7c3a-8f5e-3c2b1a0d9e8f" });
    const outcome = await bus.deliver(notice);
    expect(outcome.kind).toBe("processed");
    expect(runs).toEqual([notice.envelope.id]);
    expect(bus.sent).toHaveLength(1);
    const [receipt] = bus.sent;
    expect(outcome.kind === "processed" && outcome.sent).toEqual([receipt]);
    expect(receipt!.subject).toBe(messageSubject("notice.delivered", "fed-ocam", "mechelen"));
    expect(receipt!.envelope).toMatchObject({
      type: "notice.delivered", sender: "mechelen", audience: "fed-ocam",
      causationid: notice.envelope.id, correlationid: "0190b8d5-7a6e-7c3a-8f5e-3c2b1a0d9e8f",
      data: { noticeId: notice.envelope.data.noticeId, recipient: "mechelen" },
    });
    expect(receipt!.traceId).toBe(notice.envelope.traceparent.split("-")[1]);
  });

  it("test bus - a message altered after signing is refused as forged and its handler never runs", async () => {
    const { bus, runs } = receiver();
    const notice = orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const altered = { ...notice, body: new TextEncoder().encode(dec.decode(notice.body).replace("stays at 2", "stays at 4")) };
    const outcome = await bus.deliver(altered);
    expect(outcome).toMatchObject({ kind: "rejected", rejection: { reason: "forged" } });
    expect(runs).toEqual([]);
    expect(bus.sent).toEqual([]);
  });

  it("test bus - a message whose subject names another audience than its envelope is refused as subject-mismatch", async () => {
    const { bus, runs } = receiver();
    const notice = orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "vilvoorde" });
    // Genuinely signed by fed-ocam, but for mechelen's subject while the envelope says vilvoorde.
    const envelope = JSON.parse(dec.decode(notice.body)) as object;
    const readdressed = orgs.signed("fed-ocam", messageSubject("notice.posted", "mechelen", "fed-ocam"), envelope);
    const outcome = await bus.deliver(readdressed);
    expect(outcome.kind === "rejected" && outcome.rejection.reason).toBe("subject-mismatch");
    expect(outcome.kind === "rejected" && outcome.rejection.detail).toMatch(/fed-ocam→vilvoorde .* says fed-ocam→mechelen/);
    expect(runs).toEqual([]);
  });

  it("test bus - a sender without a role allowed for the type is refused as sender-not-allowed before any handler", async () => {
    const { bus, runs } = receiver();
    // vilvoorde (a municipality) may not post notices: its client refuses to build one, so hand-sign it.
    const genuine = orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const envelope = { ...(JSON.parse(dec.decode(genuine.body)) as object), sender: "vilvoorde", source: "urn:schakel:org:vilvoorde", signingkey: orgs.identity("vilvoorde").publicKey };
    const outcome = await bus.deliver(orgs.signed("vilvoorde", messageSubject("notice.posted", "mechelen", "vilvoorde"), envelope));
    expect(outcome).toMatchObject({ kind: "rejected", rejection: { reason: "sender-not-allowed" } });
    expect(runs).toEqual([]);
  });

  it("test bus - the same message delivered twice runs its handler once; a type without a handler is ignored", async () => {
    const { bus, runs } = receiver();
    const notice = orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    expect((await bus.deliver(notice)).kind).toBe("processed");
    expect((await bus.deliver(notice)).kind).toBe("duplicate");
    expect(runs).toHaveLength(1);
    const knowledge = orgs.message("vpr", "knowledge.shared", sampleData("knowledge.shared"), { to: "all" });
    expect((await bus.deliver(knowledge)).kind).toBe("ignored");
  });

  it("test bus - a throwing handler comes back as failed and the message is not recorded as processed", async () => {
    const bus = new TestBus({ org: "mechelen", organisations: orgs });
    let attempts = 0;
    bus.consume({ handlers: { "notice.posted": () => {
      attempts++;
      if (attempts === 1) throw new Error("state bucket unavailable");
    } } });
    const notice = orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const first = await bus.deliver(notice);
    expect(first).toMatchObject({ kind: "failed", retryable: true });
    expect(first.kind === "failed" && (first.error as Error).message).toBe("state bucket unavailable");
    expect((await bus.deliver(notice, { deliveryCount: 2 })).kind).toBe("processed");
    expect(attempts).toBe(2);
  });

  it("test bus - a handler's refusal comes back as failed and not retryable, as a consumer would file it at once", async () => {
    const bus = new TestBus({ org: "mechelen", organisations: orgs });
    bus.consume({ handlers: { "notice.posted": () => { throw new HandlerRefusal("notice names a category this organisation does not take"); } } });
    const outcome = await bus.deliver(orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" }));
    expect(outcome).toMatchObject({ kind: "failed", retryable: false });
  });
});
