/**
 * The one answering path when the organisation's service has not recorded the request (no service
 * runs here): `respondToCoordination` finds the copy addressed to it in its own feed, answers it
 * with the derived id the service path uses, and records it, so answering again sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "@schakel/contracts/bus";
import { startSchakelServer, storedOfType, type SchakelServer } from "@schakel/harness";
import { incomingRequests, requestCoordination, respondToCoordination } from "../src/mod.ts";

let s: SchakelServer;
let mechelen: Bus;
let police: Bus;

beforeAll(async () => {
  s = await startSchakelServer();
  mechelen = await s.connectAs("mechelen");
  police = await s.connectAs("fed-police");
});
afterAll(() => s?.cleanup());

const answersOf = async (requestId: string) =>
  (await storedOfType<{ requestId: string }>(await s.jsm(), "coordination.responded", "fed-police")).filter((m) => m.envelope.data.requestId === requestId);

describe("respond", () => {
  it("respond - a request the service has not recorded is found in the feed, answered once, and recorded", async () => {
    const asked = await requestCoordination(mechelen, { to: "fed-police", ask: "inform", topic: "Known persons at the festival", body: "Is the zone informed?" });
    const first = await respondToCoordination(police, { requestId: asked.requestId, outcome: "agreed", body: "The zone is informed." });
    expect(first).toMatchObject({ outcome: "responded", to: "mechelen", causationId: asked.messageId, traceId: asked.traceId });
    const recorded = (await incomingRequests(police)).find((r) => r.requestId === asked.requestId);
    expect(recorded).toMatchObject({ from: "mechelen", response: { outcome: "agreed", body: "The zone is informed." } });

    const again = await respondToCoordination(police, { requestId: asked.requestId, outcome: "declined", body: "Changed my mind." });
    expect(again).toMatchObject({ outcome: "already-responded", to: "mechelen" });
    const answers = await answersOf(asked.requestId);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.envelope).toMatchObject({ audience: "mechelen", causationid: asked.messageId, data: { outcome: "agreed" } });
  });

  it("respond - a request addressed to another organisation is unknown, and nothing is sent", async () => {
    const asked = await requestCoordination(mechelen, { to: "fed-ocam", ask: "inform", topic: "For OCAM only", body: "Not for the police." });
    const outcome = await respondToCoordination(police, { requestId: asked.requestId, outcome: "agreed", body: "Answering anyway." });
    expect(outcome).toMatchObject({ outcome: "unknown-request" });
    expect(outcome.outcome === "unknown-request" && outcome.message).toMatch(/has reached fed-police.*schakel feed --as fed-police/);
    expect(await answersOf(asked.requestId)).toHaveLength(0);
  });
});
