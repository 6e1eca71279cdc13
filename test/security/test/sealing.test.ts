/**
 * Case content under professional secrecy: the pseudonymous case reference travels in the clear,
 * the content is sealed to the named recipients. The platform reads every case message (its feed
 * slot on `case.>`) and the audit reads every stored byte — neither can read the content; each
 * named recipient can.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { ALL_CASE, AUDIT_ID, auditConsumers, feedConsumerName, inboxPrefix, newMessageId, STREAMS, type SealedContent } from "@schakel/contracts";
import { caseSealContext, open, seal, type Bus } from "@schakel/contracts/bus";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";

const SECRET = "Person X, born 1990, released on 12 March, known to the youth service";
const CASE_REF = "LIVC-ANTW-2026-0042";

describe("sealing - case content is readable by its named recipients only", () => {
  let s: SchakelServer;
  let sender: Bus;
  let consultationId: string;
  let sealed: SealedContent;
  const recipients = ["mechelen", "fed-police"];

  beforeAll(async () => {
    s = await startSchakelServer();
    sender = await s.connectAs("antwerpen");
    consultationId = newMessageId();
    const context = caseSealContext("case.consultation.requested", "antwerpen", CASE_REF, consultationId);
    sealed = seal({ question: SECRET }, recipients.map((org) => ({ org, key: s.directory.sealingKeyOf(org) })), context);
    for (const to of recipients) {
      await sender.publish("case.consultation.requested", {
        consultationId, caseRef: CASE_REF, recipients, sealed, livc: "antwerpen", compositionVersion: 1, legalBasis: "art-458ter-livc-r", purpose: "consultation",
      }, { to });
    }
  });
  afterAll(() => s?.cleanup());

  const context = () => caseSealContext("case.consultation.requested", "antwerpen", CASE_REF, consultationId);

  it("sealing - the platform, reading every case message, sees the case reference but cannot open the content", async () => {
    const vpr = await s.connectAs("vpr");
    const name = feedConsumerName("vpr", 1);
    // Below the bus client, with the platform's own credentials: exactly what the broker hands it.
    const js = jetstream(await s.rawAs("vpr"));
    await (await js.jetstreamManager()).consumers.add(STREAMS.case.name, { name, filter_subject: ALL_CASE, ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All });
    const consumer = await js.consumers.get(STREAMS.case.name, name);
    const seen: string[] = [];
    for (let i = 0; i < recipients.length; i++) {
      const m = await consumer.next({ expires: 3_000 });
      expect(m, "the platform reads every case message").not.toBeNull();
      const text = m!.string();
      expect(text).toContain(CASE_REF);
      expect(text).not.toContain("Person X");
      seen.push(m!.subject);
      const body = JSON.parse(text) as { data: { sealed: SealedContent } };
      expect(() => open(body.data.sealed, "vpr", vpr.identity.sealingPrivateKey, context())).toThrow(/not a named recipient/);
      // Even posing as a named recipient, the platform's key does not unwrap the content key.
      for (const org of recipients) expect(() => open(body.data.sealed, org, vpr.identity.sealingPrivateKey, context())).toThrow(/could not be opened/);
    }
    expect(seen.sort()).toEqual(recipients.map((r) => `case.${r}.antwerpen.case.consultation.requested`).sort());
  });

  it("sealing - the audit, reading every stored byte, holds metadata only", async () => {
    const nc = await connect({ servers: s.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(s.identities.audit.seed)), inboxPrefix: inboxPrefix(AUDIT_ID) });
    const c = auditConsumers().find((x) => x.stream === STREAMS.case.name)!;
    await (await jetstreamManager(nc)).consumers.add(c.stream, { durable_name: c.name, filter_subject: c.filter, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const m = await (await jetstream(nc).consumers.get(c.stream, c.name)).next({ expires: 3_000 });
    expect(m!.string()).toContain(CASE_REF);
    expect(m!.string()).not.toContain("Person X");
    await nc.close();
  });

  it("sealing - each named recipient opens the content from its own copy", async () => {
    for (const org of recipients) {
      const bus = await s.connectAs(org);
      const m = await (await jetstream(await s.rawAs(org)).consumers.get(STREAMS.case.name, `${org}--case`)).next({ expires: 3_000 });
      const body = JSON.parse(m!.string()) as { data: { sealed: SealedContent } };
      expect(open(body.data.sealed, org, bus.identity.sealingPrivateKey, context())).toEqual({ question: SECRET });
      m!.ack();
    }
  });

  it("sealing - altered ciphertext, and content copied into another case, no longer open", async () => {
    const bus = await s.connectAs("mechelen");
    const flipped = { ...sealed, ciphertext: sealed.ciphertext.slice(0, -2) + (sealed.ciphertext.endsWith("AA") ? "AB" : "AA") };
    expect(() => open(flipped, "mechelen", bus.identity.sealingPrivateKey, context())).toThrow(/altered/);
    const elsewhere = caseSealContext("case.consultation.requested", "mechelen", "LIVC-MECH-2026-0001", newMessageId());
    expect(() => open(sealed, "mechelen", bus.identity.sealingPrivateKey, elsewhere)).toThrow(/moved from another message/);
    expect(open(sealed, "mechelen", bus.identity.sealingPrivateKey, context())).toEqual({ question: SECRET });
  });
});
