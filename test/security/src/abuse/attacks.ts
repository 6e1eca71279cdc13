/**
 * Every path by which organisation A could read B's messages or act as B, tried with A's real
 * credentials. Each row says what A tries; `run` does it and reports how it ended. Rows that
 * change state also check the state they would have changed (B's consumer, COORD).
 */
import { headers } from "@nats-io/transport-node";
import {
  audienceFilter, DEFAULT_INBOX_FILTER, feedConsumerName, inboxConsumers, inboxPrefix, JS_API, JS_MANAGEMENT_API, messageSubject, NATS_CONTROL_HEADERS,
  orgStateBucket, caseStateBucket, STREAMS, AUDIT_BUCKET, deadLetterSubject, sampleData, ROOTS,
} from "@schakel/contracts";
import type { Attempt } from "./probe.ts";
import { apiOutcome, violation } from "./outcomes.ts";
import { coordCount, type World } from "./world.ts";

export interface Attack {
  area: string;
  attempt: (w: World) => string;
  run: (w: World) => Promise<Attempt>;
}

const json = (v: unknown): string => JSON.stringify(v);
const COORD = STREAMS.coord.name;
const CASE = STREAMS.case.name;
/** B's durable inbox consumer on a stream (for COORD: the one of B's own audience). */
const durableOf = (w: World, audience: string, stream: string = COORD): string =>
  inboxConsumers(w.victim, w.s.directory.require(w.victim).level).find((c) => c.stream === stream && (stream === CASE || c.filter === audienceFilter(audience)))!.name;

async function victimConsumerUntouched(w: World, a: Attempt): Promise<Attempt> {
  const ci = await w.jsm.consumers.info(COORD, durableOf(w, w.victim));
  if (ci.delivered.consumer_seq !== 0 || ci.num_ack_pending !== 0) return { denied: false, how: `${a.how}; B's consumer delivered ${ci.delivered.consumer_seq} message(s) elsewhere` };
  return a;
}

const api = (area: string, attempt: (w: World) => string, subject: (w: World) => string, body: (w: World) => unknown = () => ({})): Attack => ({
  area, attempt, run: async (w) => apiOutcome(await w.probe.request(subject(w), json(body(w)))),
});
const sub = (attempt: (w: World) => string): Attack => ({
  area: "core subscription", attempt: (w) => `subscribe ${attempt(w)}`,
  run: async (w) => {
    const r = await w.probe.subscribe(attempt(w));
    return r === "refused" ? { denied: true, how: "Permissions Violation" } : { denied: false, how: `received ${r} message(s)` };
  },
});
const pub = (area: string, attempt: (w: World) => string, subject: (w: World) => string): Attack => ({
  area, attempt, run: async (w) => {
    const before = await coordCount(w);
    const refused = await w.probe.publishRefused(subject(w), json(sampleData("notice.posted")));
    return (await coordCount(w)) !== before ? { denied: false, how: "stored" } : violation(refused);
  },
});
const createBody = (stream: string, name: string | undefined, config: Record<string, unknown>) => ({ stream_name: stream, config: { ...(name ? { name } : {}), ack_policy: "explicit", deliver_policy: "all", ...config } });

export const ATTACKS: Attack[] = [
  sub((w) => audienceFilter(w.victim)),
  sub((w) => audienceFilter(w.victim, ROOTS.case)),
  sub(() => DEFAULT_INBOX_FILTER),
  sub((w) => `${inboxPrefix(w.victim)}.>`),
  sub(() => JS_API.all),
  sub(() => JS_MANAGEMENT_API.advisories),
  pub("publish as B", (w) => `JetStream publish on ${messageSubject("notice.posted", w.attacker, w.victim)} (sender B)`, (w) => messageSubject("notice.posted", w.attacker, w.victim)),
  pub("publish as B", (w) => `publish on ${messageSubject("case.consultation.requested", w.attacker, w.victim)}`, (w) => messageSubject("case.consultation.requested", w.attacker, w.victim)),
  pub("publish as B", (w) => `file a dead letter as B (${deadLetterSubject(w.victim, "forged")})`, (w) => deadLetterSubject(w.victim, "forged")),
  pub("publish as B", (w) => `inject into B's reply inbox (${inboxPrefix(w.victim)}.x)`, (w) => `${inboxPrefix(w.victim)}.x`),
  api("B's consumers", (w) => `pull B's durable ${durableOf(w, w.victim)}`, (w) => JS_API.consumerNext(COORD, durableOf(w, w.victim)), () => ({ batch: 10, expires: 300_000_000 })),
  api("B's consumers", (w) => `pull B's case inbox ${durableOf(w, w.victim, CASE)}`, (w) => JS_API.consumerNext(CASE, durableOf(w, w.victim, CASE)), () => ({ batch: 10, expires: 300_000_000 })),
  api("B's consumers", (w) => `consumer info of ${durableOf(w, w.victim)}`, (w) => JS_API.consumerInfo(COORD, durableOf(w, w.victim))),
  api("B's consumers", () => "list consumer names of COORD", () => JS_API.consumerNames(COORD)),
  api("B's consumers", () => "list consumers of COORD", () => JS_MANAGEMENT_API.consumerList(COORD)),
  {
    area: "B's consumers", attempt: (w) => `ack B's message on ${durableOf(w, w.victim)}`,
    run: async (w) => victimConsumerUntouched(w, violation(await w.probe.publishRefused(JS_MANAGEMENT_API.ack(COORD, durableOf(w, w.victim), 1, w.victimSeqs[0]!, 1, BigInt(Date.now()) * 1_000_000n, 0), "+ACK"))),
  },
  api("B's consumers", (w) => `delete ${durableOf(w, w.victim)}`, (w) => JS_API.consumerDelete(COORD, durableOf(w, w.victim))),
  {
    area: "B's consumers", attempt: (w) => `pull A's own durable with the reply subject set to B's pull subject`,
    run: async (w) => {
      const refused = await w.probe.publishRefused(JS_API.consumerNext(COORD, `${w.attacker}--${w.attacker}`), json({ batch: 1, expires: 300_000_000 }), { reply: JS_API.consumerNext(COORD, durableOf(w, w.victim)) });
      await new Promise((r) => setTimeout(r, 400));
      return victimConsumerUntouched(w, refused ? { denied: true, how: "Permissions Violation" } : { denied: true, how: "neutralised: the broker rewrote the reply subject at the account boundary" });
    },
  },
  api("consumer create", (w) => `feed slot with B's filter (${JS_API.consumerCreateFiltered(COORD, feedConsumerName(w.attacker, 1), audienceFilter(w.victim))})`,
    (w) => JS_API.consumerCreateFiltered(COORD, feedConsumerName(w.attacker, 1), audienceFilter(w.victim)),
    (w) => createBody(COORD, feedConsumerName(w.attacker, 1), { filter_subject: audienceFilter(w.victim) })),
  api("consumer create", () => "own feed slot and own filter in the subject, B's filter in the body",
    (w) => JS_API.consumerCreateFiltered(COORD, feedConsumerName(w.attacker, 1), audienceFilter(w.attacker)),
    (w) => createBody(COORD, feedConsumerName(w.attacker, 1), { filter_subject: audienceFilter(w.victim) })),
  api("consumer create", (w) => `create a consumer named like B's (${durableOf(w, w.victim)}, B's filter)`,
    (w) => JS_API.consumerCreateFiltered(COORD, durableOf(w, w.victim), audienceFilter(w.victim)),
    (w) => createBody(COORD, durableOf(w, w.victim), { durable_name: durableOf(w, w.victim), filter_subject: audienceFilter(w.victim) })),
  api("consumer create", (w) => `update B's durable ${durableOf(w, w.victim)} (unfiltered create subject)`,
    (w) => JS_API.consumerCreateNamed(COORD, durableOf(w, w.victim)),
    (w) => ({ ...createBody(COORD, durableOf(w, w.victim), { durable_name: durableOf(w, w.victim), filter_subject: audienceFilter(w.victim), max_deliver: 1 }), action: "update" })),
  api("consumer create", (w) => `legacy durable create of ${durableOf(w, w.victim)}`,
    (w) => JS_API.consumerDurableCreate(COORD, durableOf(w, w.victim)),
    (w) => createBody(COORD, undefined, { durable_name: durableOf(w, w.victim), filter_subject: audienceFilter(w.victim) })),
  api("consumer create", () => "unnamed, unfiltered consumer on COORD", () => JS_MANAGEMENT_API.consumerCreateUnnamed(COORD), () => createBody(COORD, undefined, {})),
  {
    area: "consumer create", attempt: () => "own feed slot, own filter, pushing into B's pull subject (deliver_subject)",
    run: async (w) => victimConsumerUntouched(w, apiOutcome(await w.probe.request(JS_API.consumerCreateFiltered(COORD, feedConsumerName(w.attacker, 2), audienceFilter(w.attacker)),
      json(createBody(COORD, feedConsumerName(w.attacker, 2), { filter_subject: audienceFilter(w.attacker), deliver_subject: JS_API.consumerNext(COORD, durableOf(w, w.victim)) }))))),
  },
  {
    area: "consumer create", attempt: () => "push consumer on A's own bucket delivering into B's pull subject",
    run: async (w) => {
      const stream = JS_API.kvStream(orgStateBucket(w.attacker));
      return victimConsumerUntouched(w, apiOutcome(await w.probe.request(JS_API.consumerCreateNamed(stream, "drain"), json(createBody(stream, "drain", { deliver_subject: JS_API.consumerNext(COORD, durableOf(w, w.victim)) })))));
    },
  },
  api("direct reads", () => "STREAM.MSG.GET of B's message on COORD", () => JS_API.streamMsgGet(COORD), (w) => ({ seq: w.victimSeqs[0] })),
  api("direct reads", () => "DIRECT.GET of B's message on COORD", () => JS_API.directGet(COORD), (w) => ({ seq: w.victimSeqs[0] })),
  api("direct reads", () => "DIRECT.GET last message on B's subject", (w) => `${JS_API.directGet(COORD)}.${messageSubject("notice.posted", w.victim, "fed-ocam")}`),
  api("direct reads", () => "STREAM.MSG.GET on CASE", () => JS_API.streamMsgGet(CASE), () => ({ seq: 1 })),
  api("stream management", () => "stream info of COORD", () => JS_API.streamInfo(COORD)),
  api("stream management", () => "list streams", () => JS_API.streamNames),
  api("stream management", () => "create a stream capturing spy.>", () => JS_MANAGEMENT_API.streamCreate("SPY"), () => ({ name: "SPY", subjects: ["spy.>"] })),
  api("stream management", () => "update COORD (allow rollups)", () => JS_MANAGEMENT_API.streamUpdate(COORD), () => ({ name: COORD, subjects: [...STREAMS.coord.subjects], allow_rollup_hdrs: true })),
  api("stream management", () => "purge B's messages from COORD", () => JS_MANAGEMENT_API.streamPurge(COORD), (w) => ({ filter: audienceFilter(w.victim) })),
  api("stream management", () => "delete B's message from COORD", () => JS_MANAGEMENT_API.streamMsgDelete(COORD), (w) => ({ seq: w.victimSeqs[0] })),
  api("stream management", () => "delete COORD", () => JS_MANAGEMENT_API.streamDelete(COORD)),
  api("KV", (w) => `get from B's bucket ${orgStateBucket(w.victim)}`, (w) => `${JS_API.directGet(JS_API.kvStream(orgStateBucket(w.victim)))}.$KV.${orgStateBucket(w.victim)}.${w.victimKey}`),
  api("KV", (w) => `MSG.GET from B's bucket ${orgStateBucket(w.victim)}`, (w) => JS_API.streamMsgGet(JS_API.kvStream(orgStateBucket(w.victim))), (w) => ({ last_by_subj: `$KV.${orgStateBucket(w.victim)}.${w.victimKey}` })),
  pubKv("put into B's bucket", (w) => orgStateBucket(w.victim)),
  api("KV", (w) => `watch B's bucket ${orgStateBucket(w.victim)}`, (w) => JS_API.consumerCreateNamed(JS_API.kvStream(orgStateBucket(w.victim)), "spy"),
    (w) => createBody(JS_API.kvStream(orgStateBucket(w.victim)), "spy", { deliver_subject: `${inboxPrefix(w.attacker)}.spy`, ack_policy: "none" })),
  api("KV", () => "get from the platform's bucket obligations", () => `${JS_API.directGet(JS_API.kvStream("obligations"))}.$KV.obligations.x`),
  pubKv("put into the platform's bucket", () => "obligations"),
  api("KV", () => "watch the platform's bucket obligations", () => JS_API.consumerCreateNamed(JS_API.kvStream("obligations"), "spy"),
    (w) => createBody(JS_API.kvStream("obligations"), "spy", { deliver_subject: `${inboxPrefix(w.attacker)}.spy`, ack_policy: "none" })),
  api("KV", () => "get from the audit's bucket", () => JS_API.streamMsgGet(JS_API.kvStream(AUDIT_BUCKET)), () => ({ seq: 1 })),
];

/**
 * B's case state bucket `case-<B>`, which holds B's case records under the same rules as its own
 * bucket: listed after the read audit's rows, so the earlier rows keep their numbers.
 */
export const CASE_BUCKET_ATTACKS: Attack[] = [
  api("KV", (w) => `get from B's case state bucket ${caseStateBucket(w.victim)}`, (w) => `${JS_API.directGet(JS_API.kvStream(caseStateBucket(w.victim)))}.$KV.${caseStateBucket(w.victim)}.${w.victimKey}`),
  api("KV", (w) => `MSG.GET from B's case state bucket ${caseStateBucket(w.victim)}`, (w) => JS_API.streamMsgGet(JS_API.kvStream(caseStateBucket(w.victim))), (w) => ({ last_by_subj: `$KV.${caseStateBucket(w.victim)}.${w.victimKey}` })),
  pubKv("put into B's case state bucket", (w) => caseStateBucket(w.victim)),
  api("KV", (w) => `watch B's case state bucket ${caseStateBucket(w.victim)}`, (w) => JS_API.consumerCreateNamed(JS_API.kvStream(caseStateBucket(w.victim)), "spy"),
    (w) => createBody(JS_API.kvStream(caseStateBucket(w.victim)), "spy", { deliver_subject: `${inboxPrefix(w.attacker)}.spy`, ack_policy: "none" })),
];

function pubKv(what: string, bucket: (w: World) => string): Attack {
  return { area: "KV", attempt: (w) => `${what} ${bucket(w)}`, run: async (w) => violation(await w.probe.publishRefused(`$KV.${bucket(w)}.x`, "overwritten")) };
}

/** Publishing with JetStream control headers on A's own subject: accepted subjects, refused effects. */
export function headerAttack(area: string, attempt: string, header: string, value: (w: World) => string): Attack {
  return {
    area, attempt: () => attempt,
    run: async (w) => {
      const before = await coordCount(w);
      const h = headers();
      h.set(header, value(w));
      const o = await w.probe.request(messageSubject("notice.posted", "all", w.attacker), json(sampleData("notice.posted")), { headers: h });
      const after = await coordCount(w);
      const still = await w.jsm.streams.getMessage(COORD, { seq: w.victimSeqs[0]! }).then(() => true, () => false);
      if (after !== before || !still) return { denied: false, how: `COORD went from ${before} to ${after} messages; B's message ${still ? "kept" : "gone"}` };
      return apiOutcome(o);
    },
  };
}

export const HEADER_ATTACKS: Attack[] = [
  headerAttack("headers", "publish with Nats-Rollup: all (wipe the stream)", NATS_CONTROL_HEADERS.rollup, () => "all"),
  headerAttack("headers", "publish with Nats-Rollup: sub", NATS_CONTROL_HEADERS.rollup, () => "sub"),
  headerAttack("headers", "publish with a wrong Nats-Expected-Last-Msg-Id", NATS_CONTROL_HEADERS.expectedLastMsgId, () => "00000000-0000-4000-8000-000000000000"),
  headerAttack("headers", "publish with a wrong Nats-Expected-Last-Sequence", NATS_CONTROL_HEADERS.expectedLastSequence, () => "1"),
];
