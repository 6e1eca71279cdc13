import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstream } from "@nats-io/jetstream";
import { deadLetterSubject, newMessageId, sourceOf, STREAMS, subjectFor } from "@schakel/contracts";
import { encodeSignature, HEADERS, signingBytes } from "@schakel/contracts/bus";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { orgState, postNotice, receiveNotice } from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { localService } from "../src/mod.ts";
import { acknowledgeNotice, openCase, openCaseConsultation, setLivcComposition, raiseSignal, receivedDigests, receivedNotices, requestCaseConsultation, respondToCaseConsultation } from "@schakel/organisation";

const quiet = createLogger({ service: "local", level: "silent" });

describe("local - the municipal service", () => {
  let s: SchakelServer;
  let host: ServiceHost;
  beforeAll(async () => {
    s = await startSchakelServer();
    host = await startService(localService, { orgs: ["mechelen", "antwerpen", "vilvoorde"], dataDir: s.dataDir, server: s.url, logger: quiet });
  });
  afterAll(async () => {
    await host?.stop();
    await s?.cleanup();
  });

  it("local - a notice that is redelivered after a failure is recorded once and its receipt stored once", async () => {
    // gent runs no service here: this test consumes its inbox itself and fails once after the effect.
    const gent = await s.connectAs("gent");
    const state = await orgState(gent);
    const attempts: number[] = [];
    const c = gent.consume({
      handlers: {
        "notice.posted": async (d) => {
          await receiveNotice(state, d);
          attempts.push(d.deliveryCount);
          if (d.deliveryCount === 1) throw new Error("crash after the effect, before the ack");
        },
      },
    });
    const ocam = await s.connectAs("fed-ocam");
    const posted = await postNotice(ocam, { to: ["gent"], title: "Event warning for the weekend", body: "Large gathering expected.", category: "event-warning" });
    await waitFor(() => attempts.length >= 2, { what: "the redelivery" });
    await c.stop();
    const receipts = (await storedOfType(await s.jsm(), "notice.delivered", "gent")).filter((m) => m.envelope.data.noticeId === posted.noticeId);
    expect(attempts).toEqual([1, 2]);
    expect(receipts).toHaveLength(1);
    expect((await receivedNotices(gent)).filter((n) => n.noticeId === posted.noticeId)).toHaveLength(1);
  });

  it("local - acknowledgeNotice answers the sender in the notice's trace; twice sends nothing new; an unknown id is an outcome", async () => {
    const ocam = await s.connectAs("fed-ocam");
    const posted = await postNotice(ocam, {
      to: ["mechelen"], title: "Release of a detainee", body: "A person is released to the municipality next week.", category: "detainee-release",
      ackBy: new Date(Date.now() + 3_600_000),
    });
    const mechelen = host.bus("mechelen");
    await waitFor(async () => (await receivedNotices(mechelen, { pending: true })).some((n) => n.noticeId === posted.noticeId), { what: "the notice at mechelen" });
    const first = await acknowledgeNotice(mechelen, { noticeId: posted.noticeId, remark: "Taken up in the LIVC", by: "coordinating official" });
    expect(first).toMatchObject({ outcome: "acknowledged", to: "fed-ocam", traceId: posted.traceId });
    const again = await acknowledgeNotice(mechelen, { noticeId: posted.noticeId });
    expect(again.outcome).toBe("already-acknowledged");
    const unknown = await acknowledgeNotice(mechelen, { noticeId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" });
    expect(unknown).toMatchObject({ outcome: "unknown-notice" });
    expect(unknown.outcome === "unknown-notice" && unknown.message).toContain("has reached mechelen");
    const acks = (await storedOfType(await s.jsm(), "notice.acknowledged", "mechelen")).filter((m) => m.envelope.data.noticeId === posted.noticeId);
    expect(acks).toHaveLength(1);
    expect(acks[0]!.envelope).toMatchObject({ audience: "fed-ocam", causationid: posted.copies[0]!.id, correlationid: posted.noticeId });
    expect(acks[0]!.envelope.data).toMatchObject({ recipient: "mechelen", remark: "Taken up in the LIVC", acknowledgedBy: "coordinating official" });
    expect((await receivedNotices(mechelen, { pending: true })).some((n) => n.noticeId === posted.noticeId)).toBe(false);
  });

  it("local - raiseSignal reaches the platform without personal data fields", async () => {
    const raised = await raiseSignal(host.bus("vilvoorde"), {
      kind: "tension", severity: "medium", title: "Tension after a football match", description: "Groups of supporters clashed near the station.",
    });
    expect(raised.to).toBe("vpr");
    const stored = (await storedOfType(await s.jsm(), "signal.raised", "vilvoorde")).find((m) => m.envelope.data.signalId === raised.signalId);
    expect(stored?.envelope).toMatchObject({ audience: "vpr", id: raised.messageId });
    expect(stored?.envelope.data).toMatchObject({ escalate: false, severity: "medium" });
  });

  it("local - a case consultation opens only for its named recipients; the sealed answer reaches the requester", async () => {
    const mechelen = host.bus("mechelen");
    await setLivcComposition(mechelen, { members: [{ org: "antwerpen", roles: ["livc-member"] }] });
    await openCase(mechelen, { caseRef: "LIVC-MECH-2026-0042", participants: ["antwerpen"], summary: "A person known to both cells." });
    const asked = await requestCaseConsultation(mechelen, { caseRef: "LIVC-MECH-2026-0042", recipients: ["antwerpen"], question: "Is this person known to your cell?" });
    const antwerpen = host.bus("antwerpen");
    const opened = await waitFor(() => openCaseConsultation(antwerpen, asked.consultationId), { what: "the consultation at antwerpen" });
    expect(opened).toMatchObject({ direction: "incoming", from: "mechelen", caseRef: "LIVC-MECH-2026-0042", content: { question: "Is this person known to your cell?" } });
    // Stored on the bus, the content is ciphertext; another municipality holding the message cannot open it.
    const stored = (await storedOfType(await s.jsm(), "case.consultation.requested", "mechelen")).find((m) => m.envelope.data.consultationId === asked.consultationId)!;
    expect(JSON.stringify(stored.envelope.data)).not.toContain("known to your cell");
    expect(await openCaseConsultation(host.bus("vilvoorde"), asked.consultationId)).toBeUndefined();
    const answer = await respondToCaseConsultation(antwerpen, { consultationId: asked.consultationId, answer: "Yes, followed since 2025." });
    expect(answer.outcome).toBe("answered");
    const back = await waitFor(async () => {
      const o = await openCaseConsultation(mechelen, asked.consultationId);
      return o?.answers.length ? o : undefined;
    }, { what: "the answer at mechelen" });
    expect(back.answers).toEqual([expect.objectContaining({ from: "antwerpen", content: { answer: "Yes, followed since 2025." } })]);
  });

  it("local - a digest addressed to the municipality is recorded with all its items", async () => {
    const vpr = await s.connectAs("vpr");
    const digestId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a6c";
    await vpr.publish("digest.published", {
      digestId, municipality: "antwerpen", windowStart: new Date(Date.now() - 60_000).toISOString(), windowEnd: new Date().toISOString(),
      items: [{ updateId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a7d", domain: "welzijn", publishedBy: "welzijn", title: "Extra budget for youth work", summary: "Apply until March." }],
    }, { to: "antwerpen" });
    const digests = await waitFor(async () => {
      const d = await receivedDigests(host.bus("antwerpen"));
      return d.some((x) => x.digestId === digestId) ? d : undefined;
    }, { what: "the digest at antwerpen" });
    expect(digests.find((x) => x.digestId === digestId)).toMatchObject({ from: "vpr", items: [expect.objectContaining({ domain: "welzijn" })] });
  });

  it("local - a hand-made escalation from a municipality (not the platform) is dead-lettered, not acted on", async () => {
    // The bus client refuses to send it; a client that skips that check still signs as itself.
    const mechelen = await s.connectAs("mechelen");
    const escalationId = newMessageId();
    const subject = subjectFor("escalation.raised", "antwerpen", "mechelen");
    const id = newMessageId();
    const body = new TextEncoder().encode(JSON.stringify({
      specversion: "1.0", id, source: sourceOf("mechelen"), type: "escalation.raised", time: new Date().toISOString(), datacontenttype: "application/json",
      dataschema: "urn:schakel:schema:escalation.raised:v1", dataversion: 1, sender: "mechelen", audience: "antwerpen", classification: "internal",
      correlationid: id, traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", signingkey: mechelen.identity.publicKey,
      data: {
        escalationId, missedAt: new Date().toISOString(), summary: "antwerpen missed a deadline (forged)",
        obligation: { kind: "acknowledgement", reference: newMessageId(), sourceMessageId: newMessageId(), owedBy: "antwerpen", owedTo: "mechelen", deadline: new Date().toISOString() },
      },
    }));
    const headers = (await import("@nats-io/transport-node")).headers();
    headers.set(HEADERS.signature, encodeSignature(mechelen.identity.sign(signingBytes(subject, body))));
    // The rest of the wire contract is followed (WIRE.md): only the role is wrong.
    headers.set(HEADERS.traceparent, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    await jetstream(await s.rawAs("mechelen")).publish(subject, body, { msgID: id, headers });
    // A later, legitimate message shows the earlier one has been handled (the inbox is read in order).
    const vpr = await s.connectAs("vpr");
    const digestId = newMessageId();
    await vpr.publish("digest.published", {
      digestId, municipality: "antwerpen", windowStart: new Date(Date.now() - 1000).toISOString(), windowEnd: new Date().toISOString(),
      items: [{ updateId: newMessageId(), domain: "jeugd", publishedBy: "jeugd", title: "Youth work update", summary: "Text." }],
    }, { to: "antwerpen" });
    await waitFor(async () => (await receivedDigests(host.bus("antwerpen"))).some((d) => d.digestId === digestId), { what: "the later digest" });
    expect(await (await orgState(host.bus("antwerpen"))).escalations.get(escalationId)).toBeUndefined();
    const filed = await waitFor(async () => {
      const m = await (await s.jsm()).streams.getMessage(STREAMS.deadletter.name, { last_by_subj: deadLetterSubject("antwerpen", "sender-not-allowed") }).catch(() => null);
      return m ?? undefined;
    }, { what: "the dead letter of the hand-made escalation" });
    expect(filed.header.get(HEADERS.reason)).toBe("sender-not-allowed");
    expect(filed.json<{ id: string }>().id).toBe(id);
  });
});
