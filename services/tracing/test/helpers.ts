/** Flows for the tracing tests, published through the real bus by separate organisation connections. */
import { newMessageId, sampleData, traceIdOf, type Envelope } from "@schakel/contracts";
import { startFlowSpan, type OperatorConnection, type Published } from "@schakel/contracts/bus";
import { sleep, type SchakelServer } from "@schakel/harness";

export interface NoticeFlow {
  traceId: string;
  noticeId: string;
  /** Every message of the flow, in the order it was published. */
  published: Published[];
}

const now = () => new Date().toISOString();

/**
 * fed-ocam posts one notice (ack required) to mechelen and vilvoorde in one flow; mechelen
 * confirms delivery and acknowledges, vilvoorde stays silent. `gapsMs` spaces the answers.
 */
export async function noticeFlow(s: SchakelServer, gapsMs: [number, number] = [0, 0]): Promise<NoticeFlow> {
  const ocam = await s.connectAs("fed-ocam");
  const mechelen = await s.connectAs("mechelen");
  const data = { ...sampleData("notice.posted"), recipients: ["mechelen", "vilvoorde"], ackBy: new Date(Date.now() + 60_000).toISOString() };
  const flow = startFlowSpan("post notice");
  const toMechelen = await ocam.publish("notice.posted", data, { to: "mechelen", correlationId: data.noticeId, trace: flow.wire });
  const toVilvoorde = await ocam.publish("notice.posted", data, { to: "vilvoorde", correlationId: data.noticeId, trace: flow.wire });
  flow.end();
  const posted = toMechelen.envelope as Envelope;
  await sleep(gapsMs[0]);
  const delivered = await mechelen.publish("notice.delivered", { noticeId: data.noticeId, recipient: "mechelen", deliveredAt: now() }, { to: "fed-ocam", inReplyTo: posted });
  await sleep(gapsMs[1]);
  const acknowledged = await mechelen.publish("notice.acknowledged", { noticeId: data.noticeId, recipient: "mechelen", acknowledgedAt: now() }, { to: "fed-ocam", inReplyTo: posted });
  return { traceId: traceIdOf(posted.traceparent), noticeId: data.noticeId, published: [toMechelen, toVilvoorde, delivered, acknowledged] };
}

/** Stream state, to show that something left a stream untouched. */
export async function streamState(op: OperatorConnection, stream: string): Promise<{ messages: number; lastSeq: number }> {
  const { messages, lastSeq } = await op.streamState(stream);
  return { messages, lastSeq };
}

/** The platform escalates vilvoorde's missing acknowledgement to the notice's sender, in the notice's trace. */
export async function escalateMissingAck(s: SchakelServer, flow: NoticeFlow): Promise<Published> {
  const vpr = await s.connectAs("vpr");
  const copy = flow.published[1]!.envelope as Envelope<{ ackBy: string }>;
  return vpr.publish("escalation.raised", {
    escalationId: newMessageId(),
    obligation: { kind: "acknowledgement", reference: flow.noticeId, sourceMessageId: copy.id, owedBy: "vilvoorde", owedTo: "fed-ocam", deadline: copy.data.ackBy },
    missedAt: now(),
    summary: "vilvoorde did not acknowledge the notice in time",
  }, { to: "fed-ocam", inReplyTo: copy });
}
