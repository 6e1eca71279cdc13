/**
 * `schakel up --demo` (what `npm start` runs): from a fresh data folder the demo plays every flow
 * between the levels while the platform's feed narrates it — a notice with receipts and two
 * acknowledgements, the escalation of the third, policy updates bundled into digests, a neighbour's
 * signal acknowledged and a signal triaged by the platform coordinator, a coordination exchange, a sealed case consultation, knowledge, the
 * crisis centre's threat level acknowledged by the police zones, a municipality warning its
 * neighbour and province, a detainee's release with sealed details.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRunningBus, stopRunningBus, dataOf, eventually, Observer, type UpProcess } from "../src/mod.ts";

let dataDir: string;
let up: UpProcess;
let observer: Observer;

beforeAll(async () => ({ dataDir, up, observer } = await startRunningBus("demo", ["--demo"])));
afterAll(() => stopRunningBus({ dataDir, up, observer }));

describe("e2e demo", () => {
  it("demo - plays every flow between the levels and narrates it", async () => {
    await eventually("the demo to finish", async () => /demo done/.test(up.output()), 80_000, 500);
    const types = new Set(observer.seen.map((o) => o.type));
    for (const t of ["notice.posted", "notice.delivered", "notice.acknowledged", "escalation.raised", "policy.update.published", "digest.published",
      "signal.raised", "signal.triaged", "signal.acknowledged", "coordination.requested", "coordination.responded", "knowledge.shared", "knowledge.curated", "digest.read"]) {
      expect(types, t).toContain(t);
    }
    const escalations = observer.all((o) => o.type === "escalation.raised");
    expect(new Set(escalations.map((o) => dataOf(o).obligation.owedBy))).toEqual(new Set(["vilvoorde"]));
    const digests = observer.all((o) => o.type === "digest.published");
    expect(digests.map((o) => dataOf(o).municipality).sort()).toEqual(["antwerpen", "mechelen", "vilvoorde"]);
    for (const d of digests) expect(dataOf(d).items).toHaveLength(4);
    const answer = observer.all((o) => o.type === "coordination.responded")[0]!;
    const request = observer.all((o) => o.type === "coordination.requested")[0]!;
    expect(answer.envelope.causationid).toBe(request.envelope.id);
    // The parties: the crisis centre's threat level reaches the police zones, whose services acknowledge (demo policy);
    // mechelen warns its neighbour and its province, willebroek acknowledges; the prison service announces a release.
    const notices = observer.all((o) => o.type === "notice.posted");
    const threat = notices.find((o) => o.envelope.sender === "nccn" && o.envelope.audience === "pz-antwerpen")!;
    expect(dataOf(threat).category).toBe("threat-assessment");
    const acks = observer.all((o) => o.type === "notice.acknowledged").map((o) => `${o.envelope.sender}:${dataOf(o).noticeId}`);
    for (const zone of ["pz-antwerpen", "pz-mechelen-willebroek"]) expect(acks).toContain(`${zone}:${dataOf(threat).noticeId}`);
    const warning = notices.filter((o) => o.envelope.sender === "mechelen");
    expect(warning.map((o) => o.envelope.audience).sort()).toEqual(["antwerpen", "willebroek"]);
    expect(acks).toContain(`willebroek:${dataOf(warning[0]!).noticeId}`);
    const release = notices.filter((o) => o.envelope.sender === "fed-epi");
    expect(release.map((o) => o.envelope.audience).sort()).toEqual(["jh-mechelen", "mechelen", "pz-mechelen-willebroek"]);
    expect(dataOf(release.find((o) => o.envelope.audience === "jh-mechelen")!).person).toMatchObject({ redacted: true });
    expect(observer.refused).toEqual([]);
    // The narration shows the flows as they are stored, and the case content never in the clear on the platform's side.
    const out = up.output();
    expect(out).toMatch(/demo 10\/10/);
    expect(out).toMatch(/vpr → vilvoorde escalation\.raised/);
    expect(out).toMatch(/case\.consultation\.responded, sealed/);
    expect(up.summary.services.map((s) => s.service).sort()).toEqual(["federal", "flemish", "local", "local-partners", "supralocal"]);
    expect(up.summary.withoutService).toEqual([]);
  });
});
