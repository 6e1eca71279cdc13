import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog, MESSAGE_TYPES, messageSubject, sampleData, STREAMS, type MessageType } from "@schakel/contracts";

/** Read records go to READS, which no organisation consumes (bus-record-read.test.ts covers them). */
type Delivered = Exclude<MessageType, "read.recorded">;
const DELIVERED = MESSAGE_TYPES.filter((t): t is Delivered => t !== "read.recorded");
import { seal, type Bus, type Delivery } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";

/** A sender allowed to send each type, and an audience that reaches "mechelen". */
const route: Record<Delivered, { from: string; to: string }> = {
  "notice.posted": { from: "fed-ocam", to: "mechelen" },
  "notice.delivered": { from: "antwerpen", to: "mechelen" },
  "notice.acknowledged": { from: "vilvoorde", to: "mechelen" },
  "signal.raised": { from: "antwerpen", to: "mechelen" },
  "signal.escalated": { from: "vpr", to: "mechelen" },
  "signal.acknowledged": { from: "vilvoorde", to: "mechelen" },
  "signal.triaged": { from: "vpr", to: "mechelen" },
  "signal.reported": { from: "fed-police", to: "mechelen" },
  "signal.info.provided": { from: "vilvoorde", to: "mechelen" },
  "policy.update.published": { from: "onderwijs", to: "local" },
  "digest.published": { from: "vpr", to: "mechelen" },
  "coordination.requested": { from: "fed-police", to: "mechelen" },
  "coordination.responded": { from: "vpr", to: "local" },
  "livc.composition.set": { from: "antwerpen", to: "mechelen" },
  "case.opened": { from: "antwerpen", to: "mechelen" },
  "case.consultation.requested": { from: "antwerpen", to: "mechelen" },
  "case.consultation.responded": { from: "fed-police", to: "mechelen" },
  "case.plan.set": { from: "antwerpen", to: "mechelen" },
  "case.task.reported": { from: "fed-police", to: "mechelen" },
  "case.closed": { from: "antwerpen", to: "mechelen" },
  "case.transferred": { from: "antwerpen", to: "mechelen" },
  "case.corrected": { from: "antwerpen", to: "mechelen" },
  "case.key.requested": { from: "antwerpen", to: "mechelen" },
  "case.key.granted": { from: "antwerpen", to: "mechelen" },
  "case.erased": { from: "antwerpen", to: "mechelen" },
  "knowledge.shared": { from: "vvsg", to: "all" },
  "knowledge.curated": { from: "vvsg", to: "all" },
  "digest.read": { from: "antwerpen", to: "mechelen" },
  "digest.item.routed": { from: "antwerpen", to: "mechelen" },
  "escalation.raised": { from: "vpr", to: "mechelen" },
  "glossary.proposed": { from: "onderwijs", to: "mechelen" },
  "glossary.adopted": { from: "vpr", to: "all" },
};

describe("bus - round trip", () => {
  let s: SchakelServer;
  let receiver: Bus;
  beforeAll(async () => {
    s = await startSchakelServer();
    receiver = await s.connectAs("mechelen");
  });
  afterAll(() => s?.cleanup());

  it("bus - every catalog type arrives typed and verified at its audience", async () => {
    const received = new Map<string, Delivery>();
    const handlers = Object.fromEntries(DELIVERED.map((t) => [t, (d: Delivery) => void received.set(d.envelope.id, d)]));
    const consumption = receiver.consume({ handlers });
    const sent = new Map<string, { type: Delivered; data: unknown }>();
    for (const type of DELIVERED) {
      const { from, to } = route[type];
      const sender = await s.connectAs(from);
      const sealed = seal({ question: "Is the person known to your service?" }, [{ org: "mechelen", key: s.directory.sealingKeyOf("mechelen") }]);
      // A receipt names its sender as the recipient (receivers refuse anything else: sender-mismatch).
      const field = catalog[type].senderField;
      const data = field ? { ...sampleData(type, sealed), [field]: from } : sampleData(type, sealed);
      const ack = await sender.publish(type, data, { to });
      expect(ack.duplicate).toBe(false);
      expect(ack.stream).toBe(type.startsWith("case.") ? STREAMS.case.name : STREAMS.coord.name);
      sent.set(ack.id, { type, data: catalog[type].schema.parse(data) });
    }
    await waitFor(() => received.size === DELIVERED.length, { timeoutMs: 10_000, what: "every type to arrive" });
    await consumption.stop();
    for (const [id, { type, data }] of sent) {
      const d = received.get(id)!;
      expect(d.type).toBe(type);
      expect(d.envelope.sender).toBe(route[type].from);
      expect(d.envelope.specversion).toBe("1.0");
      expect(d.envelope.dataversion).toBe(catalog[type].version);
      expect(d.data).toEqual(data);
    }
  });

  it("bus - a reply carries causation, correlation and the trace of the message it answers", async () => {
    const ocam = await s.connectAs("fed-ocam");
    const posted = await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    let replyId = "";
    const c = receiver.consume({
      handlers: {
        "notice.posted": async (d) => {
          if (d.envelope.id !== posted.id) return;
          replyId = (await d.reply("notice.acknowledged", { noticeId: d.data.noticeId, recipient: "mechelen", acknowledgedAt: new Date().toISOString() }, { to: d.envelope.sender })).id;
        },
      },
    });
    await waitFor(() => replyId, { what: "the acknowledgement" });
    await c.stop();
    const stored = await (await s.jsm()).streams.getMessage(STREAMS.coord.name, { last_by_subj: messageSubject("notice.acknowledged", "fed-ocam", "mechelen") });
    const env = stored!.json<{ id: string; causationid: string; correlationid: string; traceparent: string }>();
    expect(env.id).toBe(replyId);
    expect(env.causationid).toBe(posted.id);
    expect(env.correlationid).toBe(posted.envelope.correlationid);
    expect(env.traceparent.slice(3, 35)).toBe(posted.traceId);
  });
});
