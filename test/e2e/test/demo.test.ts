/**
 * `schakel up --demo` (what `npm start` runs): from a fresh data folder the demo plays every flow
 * between the levels while the platform's feed narrates it — a notice with receipts and two
 * acknowledgements, the escalation of the third, policy updates bundled into digests, a signal
 * passed on to the federal level, a coordination exchange, a sealed case consultation, knowledge.
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
      "signal.raised", "signal.escalated", "coordination.requested", "coordination.responded", "knowledge.shared"]) {
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
    expect(observer.refused).toEqual([]);
    // The narration shows the flows as they are stored, and the case content never in the clear on the platform's side.
    const out = up.output();
    expect(out).toMatch(/demo 8\/8/);
    expect(out).toMatch(/vpr → vilvoorde escalation\.raised/);
    expect(out).toMatch(/case\.consultation\.responded, sealed/);
    expect(up.summary.services.map((s) => s.service).sort()).toEqual(["federal", "flemish", "local"]);
  });
});
