/**
 * Personal data stays out of the clear channel: a national register number in any text of a clear
 * message, or a case reference in the text of a coordination request or answer, is refused by the
 * sending client (a SchemaError naming the field) and dead-lettered by a receiver when a sender
 * skips that check; a case message may carry the case reference, and numbers that fail the check
 * digits pass.
 */
import { jetstream } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { containsNationalRegisterNumber, isNationalRegisterNumber, sampleData, subjectFor, type Envelope } from "@schakel/contracts";
import { encodeSignature, HEADERS, signingBytes } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { deadLetters, fileBus } from "./helpers.ts";

const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen" });

/** A national register number with valid check digits for a birth date and serial (before 2000 or from 2000 on). */
function registerNumber(yymmdd: string, serial: string, from2000 = false): string {
  const first = Number(yymmdd + serial);
  const check = 97 - ((from2000 ? 2_000_000_000 + first : first) % 97);
  return `${yymmdd}${serial}${String(check).padStart(2, "0")}`;
}

describe("personal data in clear messages", () => {
  it("a national register number is recognised by its check digits, written with or without separators; other numbers are not", () => {
    const born1985 = registerNumber("850730", "033");
    const born2003 = registerNumber("030214", "127", true);
    const bis = registerNumber("852730", "033"); // a bis number: month + 20
    expect([born1985, born2003, bis].map(isNationalRegisterNumber)).toEqual([true, true, true]);
    const wrongCheck = born1985.slice(0, 9) + String((Number(born1985.slice(9)) % 97) + 1).padStart(2, "0");
    expect(isNationalRegisterNumber(wrongCheck)).toBe(false);
    const grouped = `${born1985.slice(0, 2)}.${born1985.slice(2, 4)}.${born1985.slice(4, 6)}-${born1985.slice(6, 9)}.${born1985.slice(9)}`;
    expect(containsNationalRegisterNumber(`released on Monday: ${grouped}.`)).toBe(true);
    expect(containsNationalRegisterNumber(`ref ${born1985}`)).toBe(true);
    // Twelve digits, a phone number, times and message ids are no register numbers.
    expect(containsNationalRegisterNumber(`${born1985}7`)).toBe(false);
    expect(containsNationalRegisterNumber("call 0471 23 45 67 or 015 20 30 40")).toBe(false);
    expect(containsNationalRegisterNumber("2026-12-06T13:41:19.861Z 01a24b96-2156-77b5-9b66-e60733384f6a")).toBe(false);
    // A message id whose last group ends in eleven digits that pass the check is an id, not a number.
    expect(containsNationalRegisterNumber(`01a24b96-2156-77b5-9b66-a${born1985}`)).toBe(false);
  });

  it("the sending client refuses a register number in a notice and a case reference in a coordination request, naming the field; a case message keeps its reference", async () => {
    const number = registerNumber("850730", "033");
    const notice = { ...sampleData("notice.posted"), body: `The person (${number}) is released on Monday.` };
    expect(() => t.ocam.prepare("notice.posted", notice, { to: "mechelen" }))
      .toThrow(expect.objectContaining({ code: "schema", message: expect.stringMatching(/data\.body: .*national register number.*case consultation/) }));
    const request = { ...sampleData("coordination.requested"), topic: "Follow-up of LIVC-MECH-2026-0042" };
    expect(() => t.mechelen.prepare("coordination.requested", request, { to: "fed-ocam" }))
      .toThrow(expect.objectContaining({ code: "schema", message: expect.stringMatching(/data\.topic: .*case reference/) }));
    // The same reference is the point of a case consultation (sealed, on case.*).
    expect(t.mechelen.prepare("case.consultation.requested", sampleData("case.consultation.requested"), { to: "fed-ocam" }).subject).toMatch(/^case\./);
  });

  it("a receiver dead-letters a signed notice whose text holds a register number, and handles the next one", async () => {
    const number = registerNumber("030214", "127", true);
    const out = t.ocam.prepare("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const envelope = { ...out.envelope, data: { ...out.envelope.data, body: `Born 2003, number ${number}.` } };
    const subject = subjectFor("notice.posted", "mechelen", "fed-ocam");
    const body = new TextEncoder().encode(JSON.stringify(envelope));
    const h = natsHeaders();
    h.set(HEADERS.contentType, out.headers.get(HEADERS.contentType));
    h.set(HEADERS.signature, encodeSignature(t.ocam.identity.sign(signingBytes(subject, body))));
    h.set(HEADERS.traceparent, envelope.traceparent);
    await jetstream(await t.s.admin()).publish(subject, body, { headers: h, msgID: envelope.id });
    const after = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });

    const handled = new Map<string, Envelope>();
    const c = t.mechelen.consume({ handlers: { "notice.posted": (d) => void handled.set(d.envelope.id, d.envelope) } });
    const letter = await waitFor(async () => (await deadLetters(await t.s.jsm())).find((r) => r.body.includes(envelope.id)), { what: "the dead letter" });
    await waitFor(() => handled.has(after.id), { what: "the next notice handled" });
    await c.stop();
    expect(letter.reason).toBe("personal-data-in-clear");
    expect(letter.detail).toMatch(/data\.body holds a national register number .*case consultation/);
    expect(handled.has(envelope.id)).toBe(false);
  });
});
