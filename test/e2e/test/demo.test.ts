/**
 * `schakel up --demo` (what `npm start` runs): from a fresh data folder the demo plays every flow
 * between the levels while the platform's feed narrates it — a notice with receipts and two
 * acknowledgements, its notification mails in the mail sink, the escalation of the third, policy
 * updates bundled into digests, a neighbour's signal acknowledged and a signal triaged by the
 * platform coordinator, a glossary change adopted as version 2, a coordination exchange, a sealed
 * case consultation, knowledge, the crisis centre's threat level acknowledged by the police zones,
 * a municipality warning its neighbour and province, a detainee's release with sealed details.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRunningBus, stopRunningBus, dataOf, eventually, Observer, type UpProcess } from "../src/mod.ts";

/** A stored mail as a reader sees it: headers unfolded, encoded words (=?UTF-8?Q?…?=) and the quoted-printable body decoded. */
function plainMail(raw: string): string {
  const unquote = (t: string) => Buffer.from(t.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8");
  const at = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, at).replace(/\r\n[ \t]+/g, " ").replace(/\?=\s+=\?/g, "?==?").replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, q: string) => unquote(q.replace(/_/g, " ")));
  return `\r\n${headers}\r\n\r\n${unquote(raw.slice(at + 4).replace(/=\r\n/g, ""))}`;
}

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
    expect(out).toMatch(/demo 12\/12/);
    expect(out).toMatch(/vpr → vilvoorde escalation\.raised/);
    expect(out).toMatch(/case\.consultation\.responded, sealed/);
    expect(up.summary.services.map((s) => s.service).sort()).toEqual(["federal", "flemish", "local", "local-partners", "supralocal"]);
    expect(up.summary.withoutService).toEqual([]);
  });

  it("demo - the urgent notice reaches l.peeters as a real mail, and the step says who got what", async () => {
    await eventually("the demo to finish", async () => /demo done/.test(up.output()), 80_000, 500);
    const threat = observer.all((o) => o.type === "notice.posted" && o.envelope.sender === "nccn" && o.envelope.audience === "mechelen")[0]!;
    const link = `/notices/${dataOf(threat).noticeId}`;
    const dir = join(dataDir, "mail");
    const mails = await Promise.all((await readdir(dir)).filter((f) => f.endsWith(".eml")).map((f) => readFile(join(dir, f), "utf8")));
    const urgent = mails.map(plainMail).filter((m) => m.includes("\r\nTo: lotte.peeters@mechelen.example.be\r\n") && m.includes("\r\nSubject: [Schakel] Urgent notice from nccn:") && m.includes(link));
    expect(urgent).toHaveLength(1);
    const out = up.output();
    expect(out).toMatch(/demo 2\/12\S* the notification loop/);
    expect(out).toContain(`→ lotte.peeters@mechelen.example.be — [Schakel] Urgent notice from nccn: "Threat level for public events in the region" — http://127.0.0.1:`);
    expect(out).toMatch(new RegExp(`— http://127\\.0\\.0\\.1:\\d+${link}\\n`));
  });

  it("demo - jeugd's glossary proposal is adopted as v2 by the platform coordinator; mechelen records it and names it", async () => {
    await eventually("the demo to finish", async () => /demo done/.test(up.output()), 80_000, 500);
    const proposed = observer.all((o) => o.type === "glossary.proposed");
    expect(proposed.map((o) => `${o.envelope.sender}→${o.envelope.audience}`)).toEqual(["jeugd→vpr"]);
    const adopted = observer.all((o) => o.type === "glossary.adopted");
    expect(adopted).toHaveLength(1);
    expect(dataOf(adopted[0]!).glossary.version).toBe(2);
    expect(adopted[0]!.envelope.actorrole).toBe("platform-coordinator");
    expect(dataOf(adopted[0]!).glossary.terms["signal-kind"].find((t: { term: string }) => t.term === "polarisation")).toMatchObject({ revised: 2 });
    // Mechelen's next message after the adoption (its coordination request) names v2: the demo's connection
    // took the version from mechelen's records, which its service wrote on receiving the adoption.
    const request = observer.all((o) => o.type === "coordination.requested" && o.envelope.sender === "mechelen")[0]!;
    expect(request.seq).toBeGreaterThan(adopted[0]!.seq);
    expect(request.envelope.glossaryversion).toBe(2);
    const out = up.output();
    expect(out).toMatch(/demo 6\/12\S* the shared glossary/);
    expect(out).toContain("vpr (e.janssens, platform coordinator) → all glossary.adopted: glossary v2");
    expect(out).toContain("mechelen's service recorded glossary v2");
    expect(out).toContain("mechelen's request names glossaryversion 2 in its envelope");
  });
});
