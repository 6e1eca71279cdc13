/**
 * The organisation's actions done for a person: acknowledging, posting, raising a signal,
 * requesting and answering coordination each publish with the acting person (`actor`/`actorrole`)
 * and keep that in the organisation's records; without a person they are the service's, as
 * before, and records written before the attribute existed still read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "@schakel/contracts/bus";
import { startSchakelServer, storedOfType, type SchakelServer } from "@schakel/harness";
import {
  acknowledgeNotice, outgoingRequests, postNotice, raiseSignal, ReceivedNotice, receivedNotices, requestCoordination, respondToCoordination, sentNotice, signals,
} from "../src/mod.ts";

let s: SchakelServer;
let ocam: Bus;
let mechelen: Bus;

beforeAll(async () => {
  s = await startSchakelServer();
  ocam = await s.connectAs("fed-ocam");
  mechelen = await s.connectAs("mechelen");
});
afterAll(() => s?.cleanup());

/** The stored envelopes of `type` sent by `sender` whose data field `key` is `value`. */
const stored = async (type: Parameters<typeof storedOfType>[1], sender: string, key: string, value: string) =>
  (await storedOfType<Record<string, unknown>>(await s.jsm(), type, sender)).filter((m) => m.envelope.data[key] === value).map((m) => m.envelope as unknown as Record<string, unknown>);

describe("organisation - actions done for a person", () => {
  it("actor - posting and acknowledging a notice carry the acting person on the wire and in the records", async () => {
    const lambert = { person: "p.lambert", role: "liaison" as const };
    const marc = { person: "m.peeters", role: "livc-member" as const };
    const posted = await postNotice(ocam, { to: ["mechelen", "vilvoorde"], title: "Release of a detainee", body: "Coordinate the follow-up.", category: "information", actor: lambert });
    const copies = await stored("notice.posted", "fed-ocam", "noticeId", posted.noticeId);
    expect(copies.map((e) => [e.actor, e.actorrole])).toEqual([[ocam.pseudonymOf("p.lambert"), "liaison"], [ocam.pseudonymOf("p.lambert"), "liaison"]]);
    expect((await sentNotice(ocam, posted.noticeId))?.actor).toEqual({ pseudonym: ocam.pseudonymOf("p.lambert"), role: "liaison" });

    await acknowledgeNotice(mechelen, { noticeId: posted.noticeId, actor: marc });
    const [ack] = await stored("notice.acknowledged", "mechelen", "noticeId", posted.noticeId);
    expect(ack).toMatchObject({ actor: mechelen.pseudonymOf("m.peeters"), actorrole: "livc-member" });
    const record = (await receivedNotices(mechelen)).find((n) => n.noticeId === posted.noticeId);
    expect(record?.acknowledgement?.actor).toEqual({ pseudonym: mechelen.pseudonymOf("m.peeters"), role: "livc-member" });
  });

  it("actor - a signal and a coordination request and its answer carry the acting person; without one they are the service's", async () => {
    const lotte = { person: "l.peeters", role: "livc-coordinator" as const };
    const signal = await raiseSignal(mechelen, { kind: "polarisation", severity: "low", title: "Tension near the station", description: "Calls for confrontation online.", actor: lotte });
    expect((await stored("signal.raised", "mechelen", "signalId", signal.signalId))[0]).toMatchObject({ actor: mechelen.pseudonymOf("l.peeters"), actorrole: "livc-coordinator" });
    expect((await signals(mechelen)).find((x) => x.signalId === signal.signalId)?.actor?.role).toBe("livc-coordinator");

    const request = await requestCoordination(ocam, { to: "mechelen", ask: "inform", topic: "Follow-up of the release", body: "Who is the contact?", actor: { person: "p.lambert", role: "liaison" } });
    expect((await stored("coordination.requested", "fed-ocam", "requestId", request.requestId))[0]).toMatchObject({ actorrole: "liaison" });
    await respondToCoordination(mechelen, { requestId: request.requestId, outcome: "informed", body: "Our LIVC coordinator.", actor: lotte });
    const [answer] = await stored("coordination.responded", "mechelen", "requestId", request.requestId);
    expect(answer).toMatchObject({ actor: mechelen.pseudonymOf("l.peeters"), actorrole: "livc-coordinator" });
    expect((await outgoingRequests(ocam)).find((r) => r.requestId === request.requestId)?.actor?.role).toBe("liaison");

    const plain = await raiseSignal(mechelen, { kind: "incident", severity: "low", title: "Graffiti", description: "Removed the same day." });
    const [bare] = await stored("signal.raised", "mechelen", "signalId", plain.signalId);
    expect(bare).not.toHaveProperty("actor");
    expect(bare).not.toHaveProperty("actorrole");
  });

  it("actor - a record of the previous release (no actor) still reads", () => {
    const previous = {
      noticeId: "0193e7a0-0000-7000-8000-000000000001", from: "fed-ocam", audience: "local", title: "Threat level", body: "b", category: "information", ackRequired: true,
      receivedAt: "2026-12-01T10:00:01.000Z", message: { id: "0193e7a0-0000-7000-8000-000000000001", correlationid: "0193e7a0-0000-7000-8000-000000000001", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
      acknowledgement: { acknowledgedAt: "2026-12-01T10:00:05.000Z", messageId: "0193e7a0-0000-7000-8000-000000000002", by: "duty officer" },
    };
    expect(ReceivedNotice.parse(previous).acknowledgement).not.toHaveProperty("actor");
  });
});
