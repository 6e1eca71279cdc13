/**
 * Bad input on both sides of the bus. At publish: a SchemaError naming every failing field and
 * nothing stored. At a consumer (the same bad bytes injected raw by the sender, signed or not):
 * a dead letter with the reason and the field paths, and the feed keeps flowing.
 */
import { jetstream } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { deadLetterSubject, inboxConsumers, messageSubject, sampleData, SchemaError, STREAMS } from "@schakel/contracts";
import { encodeSignature, HEADERS, signingBytes, type ConsumeEvent, type Delivery } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { fileBus, storedCount, waitForDeadLetters, waitForDrained } from "./helpers.ts";

/** A notice whose title is empty, category unknown and recipient list empty. */
const invalidNotice = () => ({ ...sampleData("notice.posted"), title: "", category: "rumour", recipients: [] });
const FAILING = ["data.title", "data.category", "data.recipients"];

describe("bus - invalid payloads", () => {
  const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen" });

  it("bus - publishing invalid data throws a SchemaError naming every failing field, and nothing is stored", async () => {
    const jsm = await t.s.jsm();
    const before = await storedCount(jsm, STREAMS.coord.name);
    const error = await t.ocam.publish("notice.posted", invalidNotice() as never, { to: "mechelen" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    const schemaError = error as SchemaError;
    expect(schemaError.issues.map((i) => i.path).sort()).toEqual([...FAILING].sort());
    for (const path of FAILING) expect(schemaError.message).toContain(path);
    expect(schemaError.toData().code).toBe("schema");
    expect(await storedCount(jsm, STREAMS.coord.name)).toBe(before);
  });

  it("bus - the same bytes injected raw end in DEADLETTER with reason and detail; the next valid message is delivered", async () => {
    const jsm = await t.s.jsm();
    const subject = messageSubject("notice.posted", "mechelen", "fed-ocam");
    // A correct envelope around the invalid data, exactly as a broken or hostile sender would build it.
    const template = t.ocam.prepare("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const inject = async (signed: boolean): Promise<{ id: string; body: string }> => {
      const envelope = { ...template.envelope, id: crypto.randomUUID(), data: invalidNotice() };
      const body = JSON.stringify(envelope);
      const h = natsHeaders();
      h.set(HEADERS.traceparent, envelope.traceparent);
      if (signed) h.set(HEADERS.signature, encodeSignature(t.ocam.identity.sign(signingBytes(subject, new TextEncoder().encode(body)))));
      await jetstream(await t.s.rawAs("fed-ocam")).publish(subject, body, { headers: h, msgID: envelope.id });
      return { id: envelope.id, body };
    };
    const signed = await inject(true);
    const unsigned = await inject(false);

    const handled: Delivery<"notice.posted">[] = [];
    const events: ConsumeEvent[] = [];
    const consumption = t.mechelen.consume({ handlers: { "notice.posted": (d) => void handled.push(d) }, onEvent: (e) => events.push(e) });
    const valid = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    await waitFor(() => handled.some((d) => d.envelope.id === valid.id), { what: "the valid notice after the invalid ones" });
    const records = await waitForDeadLetters(jsm, 2);
    await consumption.stop();

    expect(handled.map((d) => d.envelope.id)).toEqual([valid.id]);
    const byBody = new Map(records.map((r) => [r.body, r]));
    const invalidData = byBody.get(signed.body)!;
    expect(invalidData).toMatchObject({ reason: "invalid-data", subject: deadLetterSubject("mechelen", "invalid-data"), sourceSubject: subject, consumer: "mechelen--mechelen" });
    for (const path of FAILING) expect(invalidData.detail).toContain(path);
    const unsignedRecord = byBody.get(unsigned.body)!;
    expect(unsignedRecord).toMatchObject({ reason: "unsigned", sourceSubject: subject });
    expect(unsignedRecord.detail).toContain(unsigned.id);
    const rejected = events.filter((e) => e.kind === "rejected");
    expect(rejected.map((e) => e.kind === "rejected" && e.filed)).toEqual([true, true]);
    // Both refused messages were terminated after filing: nothing is left to redeliver.
    await waitForDrained(jsm, STREAMS.coord.name, inboxConsumers("mechelen", "local")[0]!.name);
  });
});
