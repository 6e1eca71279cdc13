/**
 * Interceptor chains, without a server: inbound interceptors around every handler run and
 * outbound interceptors around every send, first one outermost, each deciding whether and how
 * often to call `next`. Run through the bus's test double, which composes them as the bus does.
 */
import { describe, expect, it } from "vitest";
import { sampleData } from "@schakel/contracts";
import type { InboundInterceptor, OutboundInterceptor } from "@schakel/contracts/bus";
import { TestBus } from "@schakel/contracts/bus/testing";
import { organisations } from "./test-organisations.ts";

// Keys are made once per file (pure-JS key generation takes a while); every test has its own bus.
const orgs = organisations();

describe("interceptors", () => {
  it("interceptors - inbound interceptors run around the handler in order, first one outermost", async () => {
    const bus = new TestBus({ org: "mechelen", organisations: orgs });
    const order: string[] = [];
    const around = (name: string): InboundInterceptor => async (d, next) => {
      order.push(`${name} before ${d.type}`);
      await next(d);
      order.push(`${name} after`);
    };
    bus.consume({ handlers: { "notice.posted": () => void order.push("handler") }, interceptors: [around("outer"), around("inner")] });
    const outcome = await bus.deliver(orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" }));
    expect(outcome.kind).toBe("processed");
    expect(order).toEqual(["outer before notice.posted", "inner before notice.posted", "handler", "inner after", "outer after"]);
  });

  it("interceptors - an inbound interceptor sees the handler's error, and one that skips next keeps the handler from running", async () => {
    const bus = new TestBus({ org: "mechelen", organisations: orgs });
    const seen: string[] = [];
    const watching: InboundInterceptor = async (d, next) => {
      try {
        await next(d);
      } catch (err) {
        seen.push((err as Error).message);
        throw err;
      }
    };
    const skipping: InboundInterceptor = async (d, next) => {
      if (d.type !== "knowledge.shared") await next(d);
    };
    let knowledgeRuns = 0;
    bus.consume({
      handlers: { "notice.posted": () => { throw new Error("no state yet"); }, "knowledge.shared": () => void knowledgeRuns++ },
      interceptors: [watching, skipping],
    });
    const failed = await bus.deliver(orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" }));
    expect(failed.kind).toBe("failed");
    expect(seen).toEqual(["no state yet"]);
    const skipped = await bus.deliver(orgs.message("vpr", "knowledge.shared", sampleData("knowledge.shared"), { to: "all" }));
    expect(skipped.kind).toBe("processed");
    expect(knowledgeRuns).toBe(0);
  });

  it("interceptors - outbound interceptors run around every send in order and may send the same message again", async () => {
    const order: string[] = [];
    const logging: OutboundInterceptor = async (out, next) => {
      order.push(`send ${out.envelope.type}`);
      const ack = await next(out);
      order.push(`acked seq ${ack.seq}${ack.duplicate ? " (duplicate)" : ""}`);
      return ack;
    };
    // Sends twice, as a resend after a lost acknowledgement would: the same id is stored once.
    const twice: OutboundInterceptor = async (out, next) => {
      await next(out);
      return next(out);
    };
    const bus = new TestBus({ org: "mechelen", organisations: orgs, interceptors: { outbound: [logging, twice] } });
    bus.consume({ handlers: { "notice.posted": async (d) => void await d.reply("notice.delivered", { noticeId: d.data.noticeId, recipient: "mechelen", deliveredAt: new Date().toISOString() }, { to: d.envelope.sender }) } });
    await bus.deliver(orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" }));
    const ack = await bus.publish("knowledge.shared", sampleData("knowledge.shared"), { to: "all" });
    expect(order).toEqual(["send notice.delivered", "acked seq 1 (duplicate)", "send knowledge.shared", "acked seq 2 (duplicate)"]);
    expect(bus.sent.map((p) => p.envelope.type)).toEqual(["notice.delivered", "knowledge.shared"]);
    expect(ack).toMatchObject({ seq: 2, duplicate: true });
  });
});
