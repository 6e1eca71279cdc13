/**
 * Signals and coordination across the levels, across processes (`schakel up` with every service,
 * users acting through `schakel`): a high-severity signal flagged for escalation enters the
 * platform's triage queue with the rules' proposal, and no decision is sent without a coordinator; a coordination request is answered by the federal level, the answer's
 * causation id naming the request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRunningBus, stopRunningBus, dataOf, eventually, feedItems, Observer, schakel, schakelJson, type UpProcess } from "../src/mod.ts";

let dataDir: string;
let up: UpProcess;
let observer: Observer;

beforeAll(async () => ({ dataDir, up, observer } = await startRunningBus("signals", ["--no-console"])));
afterAll(() => stopRunningBus({ dataDir, up, observer }));

describe("e2e signals and coordination", () => {
  it("signal - a high-severity signal flagged for escalation enters the triage queue with a proposal; nothing is decided without a coordinator", async () => {
    const raised = await schakelJson<{ signalId: string; id: string; traceId: string }>([
      "signal", "raise", "--data", dataDir, "--as", "vilvoorde", "--kind", "incident", "--severity", "high", "--escalate",
      "--title", "Threatening graffiti at a place of worship", "--description", "Far-right symbols on the walls; police informed. No individuals known.",
    ]);
    await observer.waitFor("signal.raised", (o) => o.type === "signal.raised" && dataOf(o).signalId === raised.signalId, 15_000);
    const queued = await eventually("the signal in the triage queue", async () => {
      const queue = await schakelJson<{ signalId: string; state: string; proposal?: { decision: string; partner?: string } }[]>(["signal", "list", "--data", dataDir, "--as", "vpr"]);
      return queue.find((i) => i.signalId === raised.signalId);
    }, 15_000, 250);
    expect(queued).toMatchObject({ state: "open", proposal: { decision: "forward", partner: "fed-police" } });
    // No coordinator is signed in: the decision is refused as bad input and nothing is sent.
    const refused = await schakel(["signal", "triage", raised.signalId, "--data", dataDir, "--decision", "forward", "--partner", "fed-police", "--reason", "Police follow-up"]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/platform coordinator's: sign in first/);
    expect(observer.all((o) => o.type === "signal.triaged" || o.type === "signal.escalated")).toEqual([]);
  });

  it("coordination - a local request is answered by the federal level, the answer's causation id naming the request", async () => {
    const request = await schakelJson<{ requestId: string; id: string; traceId: string }>([
      "coordination", "request", "--data", dataDir, "--as", "mechelen", "--to", "fed-police", "--ask", "align", "--respond-by", "2d",
      "--topic", "Release of a detainee to the municipality", "--body", "Can the local cell and the justice house align the follow-up?",
    ]);
    await observer.waitFor("request", (o) => o.type === "coordination.requested" && dataOf(o).requestId === request.requestId, 10_000);
    const answer = await schakelJson<{ id: string; causationId: string | null; traceId: string | null }>([
      "coordination", "respond", request.requestId, "--data", dataDir, "--as", "fed-police", "--outcome", "agreed", "--body", "The justice house joins the next LIVC meeting.",
    ]);
    expect(answer.causationId).toBe(request.id);
    expect(answer.traceId).toBe(request.traceId);
    const stored = await observer.waitFor("answer", (o) => o.type === "coordination.responded" && dataOf(o).requestId === request.requestId, 10_000);
    expect(stored.envelope).toMatchObject({ sender: "fed-police", audience: "mechelen", causationid: request.id, id: answer.id });
    // The requester sees the answer in its feed, linked to its request by causation and trace.
    const atRequester = await feedItems(dataDir, "mechelen", ["--type", "coordination.*"]);
    expect(atRequester.map((i) => [i.type, i.causationId, i.traceId])).toEqual([["coordination.responded", request.id, request.traceId]]);
    // The platform sees both, linked the same way.
    const atPlatform = await feedItems(dataDir, "vpr", ["--type", "coordination.*"]);
    const req = atPlatform.find((i) => i.type === "coordination.requested");
    const resp = atPlatform.find((i) => i.type === "coordination.responded");
    expect(req?.id).toBe(request.id);
    expect(resp?.causationId).toBe(req?.id);
    expect(observer.all((o) => o.type === "coordination.responded")).toHaveLength(1);
  });
});
