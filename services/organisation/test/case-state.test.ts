/**
 * An organisation's case state in its own bucket `case-<id>`, on a real server whose CASE
 * retention (and so the case state bucket's max_age) is 3 seconds: records an earlier release kept
 * in `org-<id>` are moved on opening (copied, the old keys purged with their history, by two
 * processes at once without loss), and the retention watcher writes an open case's records again
 * so that they outlive the bucket's max_age, while a closed case's records age out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { caseStateBucket, EXAMPLE_SEALED, newMessageId, orgStateBucket } from "@schakel/contracts";
import { openBucket, type Bus } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { caseStateMaxAge, DEFAULT_RETENTION } from "@schakel/infra";
import { CASE_STATE_MOVED_KEY, CASE_STATE_CLAIM_MS, caseFiles, orgState, orgStateIn, watchCaseRetention, type CaseFile, type IncomingConsultation } from "../src/mod.ts";

const MAX_AGE_S = 3;
const dec = new TextDecoder();

let s: SchakelServer;
beforeAll(async () => {
  s = await startSchakelServer({ retention: { ...DEFAULT_RETENTION, caseDays: MAX_AGE_S / 86_400, duplicateWindowMinutes: 2 / 60 } });
});
afterAll(() => s?.cleanup());

const ref = () => ({ id: newMessageId(), correlationid: newMessageId(), traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
const caseFile = (caseRef: string, livc: string, more: Partial<CaseFile> = {}): CaseFile => ({
  caseRef, livc, compositionVersion: 1, participants: [livc, "mechelen"], openedAt: new Date().toISOString(), opened: ref(), sealed: EXAMPLE_SEALED, ...more,
});
const consultation = (caseRef: string): IncomingConsultation => ({
  consultationId: newMessageId(), caseRef, from: "antwerpen", recipients: ["mechelen"], sealed: EXAMPLE_SEALED, receivedAt: new Date().toISOString(), message: ref(),
});

/**
 * Makes `org-<id>` again as the previous release provisioned it: a bucket without the marker that
 * this release's provisioning writes into a new one (whose case records so never need a move).
 */
async function previousReleaseBucket(org: string): Promise<void> {
  await (await s.jsm()).streams.delete(`KV_${orgStateBucket(org)}`);
  await new Kvm(await s.admin()).create(orgStateBucket(org), { history: 1 });
}

/** The values a bucket's stream still holds for `key` (every revision, purge markers as empty). */
async function history(bus: Bus, bucket: string, key: string): Promise<{ operation: string; bytes: number }[]> {
  const out: { operation: string; bytes: number }[] = [];
  const it = await (await openBucket(bus, bucket)).history({ key });
  for await (const e of it) out.push({ operation: e.operation, bytes: e.value.length });
  return out;
}

describe("case state - its own bucket, with the CASE retention", () => {
  it("case state - the bucket is provisioned with the CASE stream's retention, and only its organisation uses it", async () => {
    const info = await (await s.jsm()).streams.info(`KV_${caseStateBucket("mechelen")}`);
    expect(info.config.max_age).toBe(MAX_AGE_S * 1e9);
    expect(info.config.max_age).toBe(caseStateMaxAge({ ...DEFAULT_RETENTION, caseDays: MAX_AGE_S / 86_400 }));
    const antwerpen = await s.connectAs("antwerpen");
    const theirs = await openBucket(antwerpen, caseStateBucket("mechelen"));
    await expect(theirs.get("case-file.LIVC-MECH-2026-0801")).rejects.toThrow(/Permissions Violation/);
    await expect(theirs.put("case-file.LIVC-MECH-2026-0801", "{}")).rejects.toThrow(/Permissions Violation/);
  });

  it("case state - records an earlier release kept in org-<id> are moved on opening, by two processes at once, and read as before", async () => {
    await previousReleaseBucket("mechelen");
    const writer = await s.connectAs("mechelen");
    const own = await openBucket(writer, orgStateBucket("mechelen"));
    // As the previous release wrote them: every kind in org-<id>, under its prefix.
    const previous = orgStateIn(own, "mechelen");
    const open = caseFile("LIVC-MECH-2026-0801", "mechelen");
    const incoming = consultation(open.caseRef);
    await previous.cases.create(open.caseRef, open);
    await previous.consultationsIn.create(incoming.consultationId, incoming);
    await previous.consultationsOut.create(incoming.consultationId, { consultationId: incoming.consultationId, caseRef: open.caseRef, recipients: ["antwerpen"], sealed: EXAMPLE_SEALED, sentAt: new Date().toISOString(), messageIds: {}, traceId: "0af7651916cd43dd8448eb211c80319c", responses: [] });
    await previous.transfersIn.create("LIVC-VILV-2026-0007", { caseRef: "LIVC-VILV-2026-0007", from: "vilvoorde", receivedAt: new Date().toISOString(), message: ref(), sealed: EXAMPLE_SEALED });
    // One record already in the case bucket, written by a newer process: the move keeps it.
    const newer = caseFile("LIVC-MECH-2026-0802", "mechelen", { compositionVersion: 2 });
    await previous.cases.create(newer.caseRef, { ...newer, compositionVersion: 1 });
    await (await openBucket(writer, caseStateBucket("mechelen"))).put(`case-file.${newer.caseRef}`, JSON.stringify(newer));
    await own.put("knowledge.kept-here", "not a case record");
    const oldKeys = [`case-file.${open.caseRef}`, `case-file.${newer.caseRef}`, `case-in.${incoming.consultationId}`, `case-out.${incoming.consultationId}`, "case-transfer-in.LIVC-VILV-2026-0007"];

    const [one, two] = await Promise.all([s.connectAs("mechelen"), s.connectAs("mechelen")]);
    const [a, b] = await Promise.all([orgState(one!), orgState(two!)]);
    for (const state of [a, b]) {
      expect((await state.cases.get(open.caseRef))?.value).toEqual(open);
      expect((await state.cases.get(newer.caseRef))?.value.compositionVersion).toBe(2);
      expect((await state.consultationsIn.get(incoming.consultationId))?.value).toEqual(incoming);
      expect((await state.consultationsOut.get(incoming.consultationId))?.value.recipients).toEqual(["antwerpen"]);
      expect((await state.transfersIn.get("LIVC-VILV-2026-0007"))?.value.from).toBe("vilvoorde");
    }
    expect((await caseFiles(one!)).map((c) => c.caseRef).sort()).toEqual([open.caseRef, newer.caseRef]);

    const cases = await openBucket(writer, caseStateBucket("mechelen"));
    for (const key of oldKeys) {
      expect((await cases.get(key))?.operation, `${key} in the case bucket`).toBe("PUT");
      expect(await own.get(key).then((e) => e?.operation ?? "absent"), `${key} in org-mechelen`).not.toBe("PUT");
      // Purged with its history: what the old bucket holds of the key is one empty marker.
      expect(await history(writer, orgStateBucket("mechelen"), key)).toEqual([{ operation: "PURGE", bytes: 0 }]);
    }
    const left: string[] = [];
    for await (const k of await own.keys()) left.push(k);
    expect(left.filter((k) => k.startsWith("case-"))).toEqual([]);
    expect(left).toContain("knowledge.kept-here");
    // One process moved them while the other waited for the marker; no claim is left behind.
    expect(left.filter((k) => k.startsWith("moving."))).toEqual([]);
    expect(JSON.parse(dec.decode((await own.get(CASE_STATE_MOVED_KEY))!.value))).toMatchObject({ moved: expect.any(Number) });

    // A later opening finds the marker: a record written the old way now is not moved (the old release is gone).
    await previous.cases.create("LIVC-MECH-2026-0803", caseFile("LIVC-MECH-2026-0803", "mechelen"));
    const later = await orgState(await s.connectAs("mechelen"));
    expect(await later.cases.get("LIVC-MECH-2026-0803")).toBeUndefined();
  });

  it("case state - a bucket this release provisioned starts with the marker: opening it moves nothing and writes nothing", async () => {
    const stream = `KV_${orgStateBucket("leuven")}`;
    const before = (await (await s.jsm()).streams.info(stream)).state;
    expect(before.messages).toBe(1);
    const state = await orgState(await s.connectAs("leuven"));
    expect(await caseFiles(await s.connectAs("leuven"))).toEqual([]);
    expect(await state.cases.get("LIVC-LEUV-2026-0001")).toBeUndefined();
    // No claim, no marker written again: the stream holds what it held.
    expect((await (await s.jsm()).streams.info(stream)).state).toMatchObject({ messages: 1, last_seq: before.last_seq });
  });

  it("case state - a claim on the move left by a process that died is taken over once it is old", async () => {
    await previousReleaseBucket("antwerpen");
    const writer = await s.connectAs("antwerpen");
    const own = await openBucket(writer, orgStateBucket("antwerpen"));
    const file = caseFile("LIVC-ANTW-2026-0821", "antwerpen");
    await orgStateIn(own, "antwerpen").cases.create(file.caseRef, file);
    await own.put("moving.case-state", JSON.stringify({ at: new Date(Date.now() - CASE_STATE_CLAIM_MS - 1_000).toISOString() }));
    const state = await orgState(await s.connectAs("antwerpen"));
    expect((await state.cases.get(file.caseRef))?.value).toEqual(file);
    expect((await own.get(`case-file.${file.caseRef}`))?.operation).toBe("PURGE");
    expect((await own.get(CASE_STATE_MOVED_KEY))?.operation).toBe("PUT");
  });

  it("case state - an open case's records outlive the bucket's max_age; a closed case's age out", async () => {
    const mechelen = await s.connectAs("mechelen");
    const state = await orgState(mechelen);
    const open = caseFile("LIVC-MECH-2026-0811", "mechelen");
    const ownClosed = caseFile("LIVC-MECH-2026-0812", "mechelen", { closed: { reason: "goal-reached", at: new Date().toISOString(), messageId: newMessageId() } });
    const theirsClosed = caseFile("LIVC-ANTW-2026-0813", "antwerpen", { closed: { reason: "goal-reached", at: new Date().toISOString(), messageId: newMessageId() } });
    const openAsked = consultation(open.caseRef);
    const closedAsked = consultation(theirsClosed.caseRef);
    const written = Date.now();
    for (const f of [open, ownClosed, theirsClosed]) await state.cases.create(f.caseRef, f);
    for (const c of [openAsked, closedAsked]) await state.consultationsIn.create(c.consultationId, c);
    const revision = (await state.cases.get(open.caseRef))!.revision;

    const kept: string[] = [];
    // A retention far away: nothing is erased here, only kept.
    const watcher = watchCaseRetention(mechelen, 3_600_000, { tickMs: 100, onKept: (keys) => kept.push(...keys), onError: (err) => kept.push(`error: ${String(err)}`) });
    try {
      // Not written again, the participant's closed case and its consultation go with the bucket's max_age.
      await waitFor(async () => !(await state.cases.get(theirsClosed.caseRef)) && !(await state.consultationsIn.get(closedAsked.consultationId)), {
        timeoutMs: MAX_AGE_S * 1000 + 10_000, intervalMs: 100, what: "the closed case's records to age out",
      });
      expect(Date.now() - written).toBeGreaterThanOrEqual(MAX_AGE_S * 1000 - 500);
      await waitFor(() => Date.now() - written > MAX_AGE_S * 1000 + 1_000, { intervalMs: 100, what: "past the bucket's max_age" });
      const now = await state.cases.get(open.caseRef);
      expect(now?.value).toEqual(open);
      expect(now!.revision).toBeGreaterThan(revision);
      expect((await state.consultationsIn.get(openAsked.consultationId))?.value).toEqual(openAsked);
      // An own closed case waits for its retention erasure, which reads it.
      expect((await state.cases.get(ownClosed.caseRef))?.value.closed?.reason).toBe("goal-reached");
      expect(kept).toEqual(expect.arrayContaining([`case-file.${open.caseRef}`, `case-in.${openAsked.consultationId}`, `case-file.${ownClosed.caseRef}`]));
      expect(kept.filter((k) => k.includes(theirsClosed.caseRef) || k.includes(closedAsked.consultationId) || k.startsWith("error"))).toEqual([]);
    } finally {
      watcher.stop();
    }
  });
});
