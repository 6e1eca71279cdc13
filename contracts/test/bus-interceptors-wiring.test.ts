/**
 * Interceptors on a real bus: `connectBus({ interceptors: { outbound } })` wraps every send,
 * publications and a handler's replies alike, and `consume({ interceptors })` wraps every handler
 * run, inside the message's delivery (stream, storage time) and around its replies.
 */
import { describe, expect, it } from "vitest";
import { sampleData, STREAMS } from "@schakel/contracts";
import type { InboundInterceptor, OutboundInterceptor } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { fileBus } from "./helpers.ts";

const events: string[] = [];
const outbound = (org: string): OutboundInterceptor => async (out, next) => {
  events.push(`${org} sends ${out.envelope.type}`);
  const ack = await next(out);
  events.push(`${org} stored ${out.envelope.type} as ${ack.stream}#${ack.seq}`);
  return ack;
};

const t = fileBus({
  ocam: ["fed-ocam", { interceptors: { outbound: [outbound("fed-ocam")] } }],
  mechelen: ["mechelen", { interceptors: { outbound: [outbound("mechelen")] } }],
});

describe("bus - interceptors", () => {
  it("bus - outbound interceptors wrap every send and inbound ones every handler run, replies included", async () => {
    const seen: { stream: string; storedAt: Date }[] = [];
    const inbound: InboundInterceptor = async (d, next) => {
      events.push(`mechelen handles ${d.type}`);
      await next(d);
      seen.push({ stream: d.stream, storedAt: d.storedAt });
      events.push(`mechelen handled ${d.type}`);
    };
    const consumption = t.mechelen.consume({
      handlers: {
        "notice.posted": async (d) => {
          await d.reply("notice.delivered", { noticeId: d.data.noticeId, recipient: "mechelen", deliveredAt: new Date().toISOString() }, { to: d.envelope.sender });
        },
      },
      interceptors: [inbound],
    });
    try {
      const sentAt = Date.now();
      const ack = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
      await waitFor(() => events.includes("mechelen handled notice.posted"), { what: "mechelen's handler to run" });
      // Each organisation's own order; the two interleave as the broker delivers.
      expect(events.filter((e) => e.startsWith("fed-ocam"))).toEqual(["fed-ocam sends notice.posted", `fed-ocam stored notice.posted as COORD#${ack.seq}`]);
      expect(events.filter((e) => e.startsWith("mechelen"))).toEqual([
        "mechelen handles notice.posted",
        "mechelen sends notice.delivered",
        `mechelen stored notice.delivered as COORD#${ack.seq + 1}`,
        "mechelen handled notice.posted",
      ]);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.stream).toBe(STREAMS.coord.name);
      expect(Math.abs(seen[0]!.storedAt.getTime() - sentAt)).toBeLessThan(60_000);
    } finally {
      await consumption.stop();
    }
  });
});
