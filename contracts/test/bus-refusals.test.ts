/**
 * Refusals that are never retried, on a real server: a receipt whose `recipient` names another
 * organisation than its (validly signing) sender is dead-lettered as sender-mismatch before any
 * handler sees it; a handler that throws a HandlerRefusal (or any SchakelError that is not
 * retryable) has its message filed at once as handler-refused, without another attempt — also when
 * that first filing fails and the message comes back.
 */
import { jetstream, type JetStreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { deadLetterSubject, sampleData, SchakelError, STREAMS } from "@schakel/contracts";
import { encodeSignature, HandlerRefusal, HEADERS, signingBytes, type ConsumeEvent } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { deadLetters, fileBus, waitForDrained } from "./helpers.ts";

/** Makes DEADLETTER refuse every record (max_msg_size 1 byte), or take them again. */
async function deadLetterStreamRefuses(jsm: JetStreamManager, refuse: boolean, normalMaxMsgSize: number): Promise<void> {
  const { config } = await jsm.streams.info(STREAMS.deadletter.name);
  await jsm.streams.update(STREAMS.deadletter.name, { ...config, max_msg_size: refuse ? 1 : normalMaxMsgSize });
}

describe("bus - refusals that are not retried", () => {
  const t = fileBus({ ocam: "fed-ocam", vilvoorde: "vilvoorde", police: "fed-police", mechelen: "mechelen" });

  it("bus - a notice.acknowledged signed by vilvoorde whose recipient says mechelen is dead-lettered as sender-mismatch; the genuine one is handled", async () => {
    const jsm = await t.s.jsm();
    const before = (await deadLetters(jsm)).length;
    const handled: string[] = [];
    const events: ConsumeEvent[] = [];
    const c = t.ocam.consume({ onEvent: (e) => events.push(e), handlers: { "notice.acknowledged": (d) => void handled.push(`${d.envelope.sender}:${d.data.recipient}`) } });
    const ack = { ...sampleData("notice.acknowledged"), remark: "Forged remark" };

    // Vilvoorde's own valid key over an acknowledgement that claims to come from mechelen.
    const out = t.vilvoorde.prepare("notice.acknowledged", { ...ack, recipient: "vilvoorde" }, { to: "fed-ocam" });
    const body = new TextEncoder().encode(new TextDecoder().decode(out.body).replace('"recipient":"vilvoorde"', '"recipient":"mechelen"'));
    expect(JSON.parse(new TextDecoder().decode(body)).data.recipient).toBe("mechelen");
    out.headers.set(HEADERS.signature, encodeSignature(t.vilvoorde.identity.sign(signingBytes(out.subject, body))));
    const forged = await jetstream(await t.s.rawAs("vilvoorde")).publish(out.subject, body, { headers: out.headers, msgID: out.envelope.id });
    const genuine = await t.vilvoorde.publish("notice.acknowledged", { ...ack, recipient: "vilvoorde", remark: "Taken up" }, { to: "fed-ocam" });

    await waitFor(() => handled.length >= 1, { what: "the genuine acknowledgement to be handled" });
    const record = await waitFor(async () => (await deadLetters(jsm)).slice(before).find((r) => r.sourceSeq === forged.seq), { what: "the forged acknowledgement to be filed" });
    await waitForDrained(jsm, STREAMS.coord.name, "fed-ocam--fed-ocam");
    await c.stop();

    expect(handled).toEqual(["vilvoorde:vilvoorde"]);
    expect(record).toMatchObject({ reason: "sender-mismatch", subject: deadLetterSubject("fed-ocam", "sender-mismatch"), consumer: "fed-ocam--fed-ocam" });
    for (const part of ['"vilvoorde"', '"mechelen"', "data.recipient", "must name the sender itself"]) expect(record.detail).toContain(part);
    expect(events.some((e) => e.kind === "processed" && e.id === genuine.id)).toBe(true);
  });

  it("bus - a handler that throws HandlerRefusal runs once; its message is filed as handler-refused with the handler's message, others flow", async () => {
    const jsm = await t.s.jsm();
    const before = (await deadLetters(jsm)).length;
    const attempts: Record<string, number> = {};
    const events: ConsumeEvent[] = [];
    const c = t.mechelen.consume({
      onEvent: (e) => events.push(e),
      handlers: {
        "coordination.requested": (d) => {
          attempts[d.data.topic] = (attempts[d.data.topic] ?? 0) + 1;
          if (d.data.topic === "refused") throw new HandlerRefusal(`request ${d.data.requestId} names case 17, which was closed: ask for a new case`);
          if (d.data.topic === "not retryable") throw new SchakelError("payload-too-large", "the answer would be too large");
        },
      },
    });
    const request = (topic: string) => t.police.publish("coordination.requested", { ...sampleData("coordination.requested"), topic }, { to: "mechelen" });
    const refused = await request("refused");
    const notRetryable = await request("not retryable");
    const healthy = await request("healthy");
    const records = await waitFor(async () => {
      const r = (await deadLetters(jsm)).slice(before);
      return r.length >= 2 ? r : undefined;
    }, { what: "two handler-refused records" });
    await waitForDrained(jsm, STREAMS.coord.name, "mechelen--mechelen");
    await c.stop();

    expect(attempts).toEqual({ refused: 1, "not retryable": 1, healthy: 1 });
    expect(events.filter((e) => e.kind === "retry")).toEqual([]);
    expect(events.some((e) => e.kind === "processed" && e.id === healthy.id)).toBe(true);
    const bySeq = new Map(records.map((r) => [r.sourceSeq, r]));
    expect(bySeq.get(refused.seq)).toMatchObject({ reason: "handler-refused", subject: deadLetterSubject("mechelen", "handler-refused") });
    expect(bySeq.get(refused.seq)!.detail).toContain("names case 17, which was closed: ask for a new case");
    expect(bySeq.get(refused.seq)!.detail).toContain("handler for coordination.requested refused it (not retried)");
    expect(bySeq.get(notRetryable.seq)).toMatchObject({ reason: "handler-refused" });
    expect(bySeq.get(notRetryable.seq)!.detail).toContain("the answer would be too large");
  });

  it("bus - a refusal whose filing fails comes back and is filed without running the handler again", async () => {
    const jsm = await t.s.jsm();
    const normal = (await jsm.streams.info(STREAMS.deadletter.name)).config.max_msg_size;
    const before = (await deadLetters(jsm)).length;
    let runs = 0;
    const events: ConsumeEvent[] = [];
    await deadLetterStreamRefuses(jsm, true, normal);
    const c = t.mechelen.consume({
      onEvent: (e) => events.push(e),
      handlers: {
        "coordination.requested": () => {
          runs++;
          throw new HandlerRefusal("this request can never be served");
        },
      },
    });
    try {
      const sent = await t.police.publish("coordination.requested", { ...sampleData("coordination.requested"), topic: "refused, filed late" }, { to: "mechelen" });
      await waitFor(() => events.some((e) => e.kind === "rejected" && !e.filed), { what: "the first filing to fail" });
      await deadLetterStreamRefuses(jsm, false, normal);
      const record = await waitFor(async () => (await deadLetters(jsm)).slice(before).find((r) => r.sourceSeq === sent.seq), { timeoutMs: 20_000, what: "the refusal to be filed" });
      await waitForDrained(jsm, STREAMS.coord.name, "mechelen--mechelen");
      expect(record.reason).toBe("handler-refused");
      expect(record.detail).toContain("this request can never be served");
      expect(runs).toBe(1);
    } finally {
      await c.stop();
      await deadLetterStreamRefuses(jsm, false, normal);
    }
  });
});
