/**
 * A small, complete coordination scenario for the console's tests: a federal notice to two
 * municipalities (one acknowledges, one does not and is escalated by the platform), a signal,
 * a policy update and its digest, a coordination request and answer, a knowledge message and a
 * sealed case consultation — across the local, Flemish and federal levels.
 */
import { newMessageId, sampleData } from "@schakel/contracts";
import { seal } from "@schakel/contracts/bus";
import type { SchakelServer } from "@schakel/harness";

export interface DemoFlow {
  noticeId: string;
  /** The trace of the notice, its receipts and the escalation: spans all three levels. */
  traceId: string;
  caseRef: string;
  /** Bytes of the sealed case content as published: must never appear in anything the console serves. */
  sealedCiphertext: string;
  sealedWrappedKey: string;
}

export async function runDemoFlow(bus: SchakelServer): Promise<DemoFlow> {
  // One connection at a time: nkey authentication signs in pure JS, and eight handshakes at once
  // on a busy machine can outlast the server's authentication timeout.
  const ocam = await bus.connectAs("fed-ocam");
  const mechelen = await bus.connectAs("mechelen");
  const vilvoorde = await bus.connectAs("vilvoorde");
  const vpr = await bus.connectAs("vpr");
  const gent = await bus.connectAs("gent");
  const onderwijs = await bus.connectAs("onderwijs");
  const vvsg = await bus.connectAs("vvsg");
  const police = await bus.connectAs("fed-police");
  const noticeId = newMessageId();
  const ackBy = new Date(Date.now() + 3_600_000).toISOString();
  const notice = {
    noticeId, title: "Threat level for public events in the region", body: "The threat level for public events stays at 2 until further notice.",
    category: "threat-assessment" as const, recipients: ["mechelen", "vilvoorde"], ackRequired: true, ackBy,
    preventionTier: "secondary" as const, extremismForms: ["jihadist" as const, "far-right" as const],
  };
  const toMechelen = await ocam.publish("notice.posted", notice, { to: "mechelen" });
  const toVilvoorde = await ocam.publish("notice.posted", notice, { to: "vilvoorde", trace: { traceparent: toMechelen.envelope.traceparent } });
  const now = () => new Date().toISOString();
  await mechelen.publish("notice.delivered", { noticeId, recipient: "mechelen", deliveredAt: now() }, { to: "fed-ocam", inReplyTo: toMechelen.envelope });
  await vilvoorde.publish("notice.delivered", { noticeId, recipient: "vilvoorde", deliveredAt: now() }, { to: "fed-ocam", inReplyTo: toVilvoorde.envelope });
  await mechelen.publish("notice.acknowledged", { noticeId, recipient: "mechelen", acknowledgedAt: now(), acknowledgedBy: "coordinating official", remark: "Taken up in the local cell" }, { to: "fed-ocam", inReplyTo: toMechelen.envelope });
  await vpr.publish("escalation.raised", {
    escalationId: newMessageId(),
    obligation: { kind: "acknowledgement", reference: noticeId, sourceMessageId: toVilvoorde.id, owedBy: "vilvoorde", owedTo: "fed-ocam", deadline: ackBy },
    missedAt: now(), summary: "vilvoorde has not acknowledged the threat-level notice",
  }, { to: "fed-ocam", inReplyTo: toVilvoorde.envelope });

  await gent.publish("signal.raised", { ...sampleData("signal.raised"), extremismForms: ["far-right"] }, { to: "vpr" });
  const update = await onderwijs.publish("policy.update.published", sampleData("policy.update.published"), { to: "vpr" });
  await vpr.publish("digest.published", sampleData("digest.published"), { to: "mechelen", inReplyTo: update.envelope });
  const request = await vpr.publish("coordination.requested", sampleData("coordination.requested"), { to: "fed-police" });
  const requestId = (request.envelope.data as { requestId: string }).requestId;
  await police.publish("coordination.responded", { ...sampleData("coordination.responded"), requestId }, { to: "vpr", inReplyTo: request.envelope });
  await vvsg.publish("knowledge.shared", sampleData("knowledge.shared"), { to: "all" });
  const caseRef = "LIVC-MECH-2026-0042";
  const sealed = seal({ question: "SECRET-CASE-QUESTION about the person" }, [{ org: "fed-police", key: bus.directory.sealingKeyOf("fed-police") }]);
  await mechelen.publish("case.consultation.requested", {
    consultationId: newMessageId(), caseRef, recipients: ["fed-police"], sealed, livc: "mechelen", compositionVersion: 1, legalBasis: "art-458ter-livc-r", purpose: "consultation",
  }, { to: "fed-police" });
  return { noticeId, traceId: toMechelen.traceId, caseRef, sealedCiphertext: sealed.ciphertext, sealedWrappedKey: sealed.recipients[0]!.wrappedKey };
}
