/**
 * A federal notice to three municipalities, across processes: `schakel up` runs the bus and every
 * service, the users act through the `schakel` command. Each municipality's service records the
 * delivery, two acknowledge, and within 2 s after the deadline the platform raises exactly one
 * escalation for the third; `notice status` shows the matrix.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRunningBus, stopRunningBus, dataOf, Observer, schakel, schakelJson, sleep, type UpProcess } from "../src/mod.ts";

let dataDir: string;
let up: UpProcess;
let observer: Observer;

beforeAll(async () => ({ dataDir, up, observer } = await startRunningBus("notice", ["--no-console"])));
afterAll(() => stopRunningBus({ dataDir, up, observer }));

const MUNICIPALITIES = ["antwerpen", "mechelen", "vilvoorde"];

describe("e2e notice", () => {
  it("notice - two acknowledge, the third is escalated exactly once within 2 s after the deadline", async () => {
    const posted = await schakelJson<{ noticeId: string; traceId: string; ackBy: string }>([
      "notice", "post", "--data", dataDir, "--as", "fed-ocam", "--to", MUNICIPALITIES.join(","), "--category", "threat-assessment",
      "--title", "Threat level for public events", "--body", "Level 2 remains until further notice; inform the organisers.", "--ack-by", "30s",
    ]);
    const { noticeId } = posted;
    const about = (type: string) => (o: { type: string; envelope: { data: any } }) => o.type === type && dataOf(o as never).noticeId === noticeId;

    // Every municipality's service records the delivery and sends its receipt to the sender.
    for (const org of MUNICIPALITIES) {
      const receipt = await observer.waitFor(`receipt of ${org}`, (o) => about("notice.delivered")(o) && dataOf(o).recipient === org, 15_000);
      expect(receipt.envelope.audience).toBe("fed-ocam");
      expect(receipt.envelope.traceparent).toContain(posted.traceId);
    }

    const acks = await Promise.all([
      schakel(["notice", "ack", noticeId, "--data", dataDir, "--as", "antwerpen", "--remark", "Shared with the festival organisers"]),
      schakel(["notice", "ack", noticeId, "--data", dataDir, "--as", "mechelen", "--by", "coordinating official"]),
    ]);
    for (const a of acks) expect(a.code, a.stderr).toBe(0);
    expect(Date.now()).toBeLessThan(Date.parse(posted.ackBy)); // the acknowledgements came in time

    const isEscalation = (o: { type: string; envelope: { data: any } }) => o.type === "escalation.raised" && dataOf(o as never).obligation.reference === noticeId;
    const first = await observer.waitFor("escalation", isEscalation, Date.parse(posted.ackBy) - Date.now() + 10_000);
    const lateBy = first.storedAt.getTime() - Date.parse(posted.ackBy);
    console.info(`escalation stored ${lateBy} ms after the deadline`);
    expect(lateBy).toBeGreaterThanOrEqual(0);
    expect(lateBy).toBeLessThanOrEqual(2_000);

    await sleep(3_000); // room for a duplicate to show up, if the platform were to raise one
    const escalations = observer.all(isEscalation);
    expect(new Set(escalations.map((o) => dataOf(o).escalationId)).size).toBe(1);
    expect(escalations.every((o) => dataOf(o).obligation.owedBy === "vilvoorde" && dataOf(o).obligation.owedTo === "fed-ocam")).toBe(true);
    const audiences = escalations.map((o) => o.envelope.audience);
    expect(new Set(audiences).size).toBe(audiences.length); // one copy per addressee, never two
    expect(audiences).toContain("vilvoorde");
    expect(observer.refused).toEqual([]);

    const status = await schakelJson<{ recipients: { org: string; deliveredAt: string | null; acknowledgedAt: string | null; state: string; escalated: boolean }[] }>(
      ["notice", "status", noticeId, "--data", dataDir]);
    const row = (org: string) => status.recipients.find((r) => r.org === org)!;
    expect(status.recipients.map((r) => r.org)).toEqual(MUNICIPALITIES);
    for (const org of MUNICIPALITIES) expect(row(org).deliveredAt).not.toBeNull();
    expect(row("antwerpen")).toMatchObject({ state: "acknowledged", escalated: false });
    expect(row("mechelen")).toMatchObject({ state: "acknowledged", escalated: false });
    expect(row("vilvoorde")).toMatchObject({ state: "overdue", escalated: true, acknowledgedAt: null });

    const human = await schakel(["notice", "status", noticeId, "--data", dataDir]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/RECIPIENT\s+DELIVERED\s+ACKNOWLEDGED\s+BY\s+STATE/);
    // Acknowledged by the command line without a sign-in: the organisation's service acted.
    expect(human.stdout).toMatch(/mechelen .* its service, "coordinating official" +acknowledged/);
    expect(human.stdout).toMatch(/vilvoorde .* overdue — escalated/);
  });
});
