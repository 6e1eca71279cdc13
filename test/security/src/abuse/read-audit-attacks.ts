/**
 * The read audit's rows of the matrix: READS holds who saw what about whom, so no organisation
 * may write another's read records (it could blame or hide a reader) nor read READS at all, its
 * own records included: only the audit identity reads it. B's read record in the scene carries the
 * secret, so a read that got through would show up as leaked bytes.
 */
import {
  AUDIT_ID, feedConsumerName, JS_API, messageSubject, readsFilter, sampleData, STREAMS,
} from "@schakel/contracts";
import type { Attack } from "./attacks.ts";
import { apiOutcome, violation } from "./outcomes.ts";
import type { Attempt } from "./probe.ts";
import type { World } from "./world.ts";

const READS = STREAMS.reads.name;
const json = (v: unknown): string => JSON.stringify(v);

async function readsCount(w: World): Promise<number> {
  return (await w.jsm.streams.info(READS)).state.messages;
}

/** Publishes a read record on `subject` as A; denied when refused and nothing was stored. */
const publishRead = (attempt: (w: World) => string, subject: (w: World) => string): Attack => ({
  area: "read audit", attempt,
  run: async (w): Promise<Attempt> => {
    const before = await readsCount(w);
    const refused = await w.probe.publishRefused(subject(w), json({ ...sampleData("read.recorded"), organisation: w.victim }));
    return (await readsCount(w)) !== before ? { denied: false, how: "stored in READS" } : violation(refused);
  },
});

const api = (attempt: (w: World) => string, subject: (w: World) => string, body: (w: World) => unknown = () => ({})): Attack => ({
  area: "read audit", attempt, run: async (w) => apiOutcome(await w.probe.request(subject(w), json(body(w)))),
});

export const READ_AUDIT_ATTACKS: Attack[] = [
  publishRead((w) => `record a read as B on ${messageSubject("read.recorded", w.victim, w.victim)}`, (w) => messageSubject("read.recorded", w.victim, w.victim)),
  publishRead((w) => `record a read as B addressed to A (${messageSubject("read.recorded", w.attacker, w.victim)})`, (w) => messageSubject("read.recorded", w.attacker, w.victim)),
  {
    area: "read audit", attempt: () => `subscribe ${STREAMS.reads.subjects[0]} (every read record as it is stored)`,
    run: async (w) => {
      const r = await w.probe.subscribe(STREAMS.reads.subjects[0]);
      return r === "refused" ? { denied: true, how: "Permissions Violation" } : { denied: false, how: `received ${r} message(s)` };
    },
  },
  api(() => `pull the audit's durable ${AUDIT_ID}--reads`, () => JS_API.consumerNext(READS, `${AUDIT_ID}--reads`), () => ({ batch: 10, expires: 300_000_000 })),
  api((w) => `create a consumer on READS for its own records (${feedConsumerName(w.attacker, 1)}, ${readsFilter(w.attacker)})`,
    (w) => JS_API.consumerCreateFiltered(READS, feedConsumerName(w.attacker, 1), readsFilter(w.attacker)),
    (w) => ({ stream_name: READS, config: { name: feedConsumerName(w.attacker, 1), filter_subject: readsFilter(w.attacker), ack_policy: "explicit", deliver_policy: "all" } })),
  api(() => "STREAM.MSG.GET of B's read record on READS", () => JS_API.streamMsgGet(READS), () => ({ seq: 1 })),
  api(() => "DIRECT.GET of B's read record on READS", () => JS_API.directGet(READS), () => ({ seq: 1 })),
  api(() => "stream info of READS", () => JS_API.streamInfo(READS)),
];
