/**
 * Messages stored by the previous release stay readable: they carry no Content-Type header, and
 * their free text could hold control characters. A live consumer, an organisation's feed and a
 * stream reader accept such a message (the characters replaced by U+FFFD), while a new-format
 * message with the same text is refused at the consumer (`invalid-data`, naming the field).
 */
import { jetstream } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { sampleData, STREAMS, subjectFor } from "@schakel/contracts";
import { CLOUDEVENTS_JSON, encodeSignature, HEADERS, openFeed, signingBytes, type Bus, type ConsumeEvent } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { deadLetters, fileBus } from "./helpers.ts";

const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen" });
const TITLE = "Dreiging \u001b[2J gewijzigd";

/** A notice as `sender` signs it, with a control character in its title, published past the bus client. */
async function publishRaw(sender: Bus, contentType: boolean): Promise<{ id: string; seq: number }> {
  const template = await sender.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
  const id = crypto.randomUUID();
  const envelope = { ...template.envelope, id, correlationid: id, time: new Date().toISOString(), data: { ...(template.envelope.data as object), title: TITLE } };
  const subject = subjectFor("notice.posted", "mechelen", sender.org);
  const body = new TextEncoder().encode(JSON.stringify(envelope));
  const h = natsHeaders();
  // The previous release set exactly these: signature, trace context, and the message id at publish.
  h.set(HEADERS.signature, encodeSignature(sender.identity.sign(signingBytes(subject, body))));
  h.set(HEADERS.traceparent, envelope.traceparent);
  if (contentType) h.set(HEADERS.contentType, CLOUDEVENTS_JSON);
  const ack = await jetstream(await t.s.admin()).publish(subject, body, { headers: h, msgID: id });
  return { id, seq: ack.seq };
}

describe("wire - old-format messages", () => {
  it("wire - a message of the previous release (no Content-Type, control characters) is read by consumers and feeds; the same in the new format is refused", async () => {
    const before = (await (await t.s.jsm()).streams.info(STREAMS.coord.name)).state.last_seq;
    const old = await publishRaw(t.ocam, false);
    const current = await publishRaw(t.ocam, true);
    const titles = new Map<string, string>();
    const events: ConsumeEvent[] = [];
    const c = t.mechelen.consume({ handlers: { "notice.posted": (d) => void titles.set(d.envelope.id, d.data.title) }, onEvent: (e) => void events.push(e) });
    await waitFor(() => titles.has(old.id) && events.some((e) => e.kind === "rejected" && e.seq === current.seq), { what: "the old message handled and the new one refused" });
    await c.stop();
    expect(titles.get(old.id)).toBe("Dreiging \uFFFD[2J gewijzigd");
    expect(titles.has(current.id)).toBe(false);
    const refusal = events.find((e) => e.kind === "rejected" && e.seq === current.seq);
    expect(refusal?.kind === "rejected" && refusal.rejection).toMatchObject({ reason: "invalid-data", detail: expect.stringContaining("data.title") });

    const feed = await openFeed(t.mechelen, { kind: "after-seq", seq: before });
    const seen = new Map<number, boolean>();
    await feed.history((m) => void seen.set(m.seq, m.verdict?.ok === true));
    await feed.close();
    expect(seen.get(old.seq)).toBe(true);
    expect(seen.get(current.seq)).toBe(false);
  });

  it("wire - a dead letter's headers are ASCII: the detail's non-ASCII characters are escaped", async () => {
    // A genuine message copied to another audience's subject: refused as subject-mismatch, whose detail says "fed-ocam→mechelen".
    const sent = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "gent" });
    const original = await (await t.s.jsm()).streams.getMessage(STREAMS.coord.name, { seq: sent.seq });
    const h = natsHeaders();
    // Without its Nats-Msg-Id: JetStream would drop the copy as a duplicate of the original.
    for (const name of [HEADERS.contentType, HEADERS.signature, HEADERS.traceparent]) h.set(name, original!.header.get(name));
    await jetstream(await t.s.admin()).publish(subjectFor("notice.posted", "mechelen", "fed-ocam"), original!.data, { headers: h });
    const c = t.mechelen.consume({ handlers: { "notice.posted": () => {} } });
    const record = await waitFor(async () => (await deadLetters(await t.s.jsm())).find((r) => r.reason === "subject-mismatch" && r.body.includes(sent.id)), { what: "the subject-mismatch dead letter" });
    await c.stop();
    expect(record.detail).toContain("fed-ocam\\u{2192}gent");
    const stored = await (await t.s.jsm()).streams.getMessage(STREAMS.deadletter.name, { seq: (await (await t.s.jsm()).streams.info(STREAMS.deadletter.name)).state.last_seq });
    for (const [name, values] of stored!.header) for (const v of values) expect(v, name).toMatch(/^[\x20-\x7e]*$/);
  });
});
