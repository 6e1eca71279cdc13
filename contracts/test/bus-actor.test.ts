/**
 * The acting person on the wire: a message sent for a person carries `actor` (a pseudonym keyed by
 * the sender's seed) and `actorrole`, both signed and checked by every receiver; the holder of the
 * sender's credentials resolves the pseudonym through a PersonIndex. A role the sender cannot have
 * persons in is dead-lettered as `actor-mismatch`; a message without an actor (every earlier
 * release's) reads as the service's.
 */
import { jetstream } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { sampleData, subjectFor, type Envelope, type Person } from "@schakel/contracts";
import { actedByOf, actedByText, encodeSignature, HEADERS, PersonIndex, pseudonymKey, pseudonymWith, signingBytes, type Bus } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { deadLetters, fileBus } from "./helpers.ts";

const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen", antwerpen: "antwerpen" });
const AN: Person = { id: "a.peeters", name: "An Peeters", organisation: "mechelen", roles: ["livc-member"] };
const BERT: Person = { id: "b.janssens", name: "Bert Janssens", organisation: "mechelen", roles: ["livc-coordinator"] };

/** mechelen's acknowledgement with extra envelope attributes, signed by mechelen and published past the bus client. */
async function publishActedRaw(sender: Bus, attributes: Record<string, unknown>, contentType = true): Promise<string> {
  const out = sender.prepare("notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam" });
  const envelope = { ...out.envelope, ...attributes };
  const subject = subjectFor("notice.acknowledged", "fed-ocam", sender.org);
  const body = new TextEncoder().encode(JSON.stringify(envelope));
  const h = natsHeaders();
  if (contentType) h.set(HEADERS.contentType, out.headers.get(HEADERS.contentType));
  h.set(HEADERS.signature, encodeSignature(sender.identity.sign(signingBytes(subject, body))));
  h.set(HEADERS.traceparent, envelope.traceparent);
  await jetstream(await t.s.admin()).publish(subject, body, { headers: h, msgID: envelope.id });
  return envelope.id;
}

describe("wire - the acting person", () => {
  it("wire - an acknowledgement made by a person carries actor and actorrole, verified, resolvable only with the sender's credentials", async () => {
    const sent = await t.mechelen.publish("notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam", actor: { person: AN.id, role: "livc-member" } });
    const plain = await t.mechelen.publish("notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam" });
    const seen = new Map<string, Envelope>();
    const c = t.ocam.consume({ handlers: { "notice.acknowledged": (d) => void seen.set(d.envelope.id, d.envelope) } });
    await waitFor(() => seen.has(sent.id) && seen.has(plain.id), { what: "both acknowledgements handled" });
    await c.stop();

    const pseudonym = t.mechelen.pseudonymOf(AN.id);
    expect(pseudonym).toMatch(/^p-[a-z2-7]{16}$/);
    expect(seen.get(sent.id)).toMatchObject({ actor: pseudonym, actorrole: "livc-member" });
    // Stable for the person and organisation; different per person and per organisation; never the id in clear.
    expect(t.mechelen.pseudonymOf(AN.id)).toBe(pseudonym);
    expect(pseudonymWith(pseudonymKey(t.mechelen.identity.seed), AN.id)).toBe(pseudonym);
    expect(t.mechelen.pseudonymOf(BERT.id)).not.toBe(pseudonym);
    expect(t.antwerpen.pseudonymOf(AN.id)).not.toBe(pseudonym);
    expect(JSON.stringify(seen.get(sent.id))).not.toContain(AN.id);

    const held = new PersonIndex([AN, BERT], [t.mechelen]);
    const other = new PersonIndex([AN, BERT], [t.antwerpen]);
    expect(actedByText(held.actedBy(seen.get(sent.id)!))).toBe("An Peeters (livc-member)");
    expect(actedByText(other.actedBy(seen.get(sent.id)!))).toBe(`${pseudonym} (livc-member)`);
    // A message without an actor was sent by the organisation's service.
    expect(seen.get(plain.id)).not.toHaveProperty("actor");
    expect(actedByText(held.actedBy(seen.get(plain.id)!))).toBe("its service");
  });

  it("wire - a sender cannot attribute a message to a role its persons cannot hold; nothing is sent", () => {
    expect(() => t.mechelen.prepare("notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam", actor: { person: AN.id, role: "platform-coordinator" } }))
      .toThrow(expect.objectContaining({ code: "not-allowed", message: expect.stringContaining("platform-coordinator") }));
    expect(() => t.mechelen.pseudonymOf("An Peeters")).toThrow(expect.objectContaining({ code: "schema" }));
  });

  it("wire - a forged actor role is dead-lettered as actor-mismatch, naming the role and the sender; a previous-release message without actor still reads", async () => {
    const forged = await publishActedRaw(t.mechelen, { actor: t.mechelen.pseudonymOf(AN.id), actorrole: "platform-coordinator" });
    const legacy = await publishActedRaw(t.mechelen, {}, false);
    const handled = new Map<string, Envelope>();
    const c = t.ocam.consume({ handlers: { "notice.acknowledged": (d) => void handled.set(d.envelope.id, d.envelope) } });
    const letter = await waitFor(async () => (await deadLetters(await t.s.jsm())).find((r) => r.body.includes(forged)), { what: "the forged actor's dead letter" });
    await waitFor(() => handled.has(legacy), { what: "the previous-release acknowledgement handled" });
    await c.stop();
    expect(letter.reason).toBe("actor-mismatch");
    expect(letter.detail).toMatch(/"mechelen".*actorrole "platform-coordinator"/);
    expect(handled.has(forged)).toBe(false);
    expect(actedByOf(handled.get(legacy)!)).toEqual({ kind: "service" });
  });
});
