/**
 * A backup made while a case was open cannot reopen it once the case is erased. With the services
 * of the participants running, mechelen opens a case and consults fed-police, which answers; a
 * backup (even one holding the seeds) takes every stream and bucket, the case state buckets
 * `case-<org>` included, and never the case keys. The case is erased, the backup is restored into
 * a fresh server: the restored CASE stream and case state buckets hold every ciphertext of the case
 * (the key as it was before the erasure still opens them), yet no participant and not the platform
 * opens any of it with what they hold, and the audit chain still verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_ID, caseStateBucket, SealedContent, STREAMS } from "@schakel/contracts";
import { open, OperatorConnection, type Bus, type CaseKey } from "@schakel/contracts/bus";
import { startAuditor } from "@schakel/audit";
import { openAdminSession, renderAuthorization } from "@schakel/infra";
import { startSchakelServer, startServer, waitFor, type NatsServer, type SchakelServer } from "@schakel/harness";
import {
  caseFiles, caseKeyStoreAt, caseKeysOf, eraseCase, openCase, openCaseConsultation, openCaseFile, orgState, requestCaseConsultation, respondToCaseConsultation,
  setLivcComposition, useCaseKeys,
} from "@schakel/organisation";
import { startOrganisationServices, type OrganisationServices } from "@schakel/stack";
import { runInProcess, type CliResult } from "./support/run-cli.ts";

const CASE = "LIVC-MECH-2026-0501";
const PARTICIPANTS = ["mechelen", "antwerpen", "fed-police"];
/** Who tries to open the restored content: every participant, and the platform. */
const READERS = [...PARTICIPANTS, "vpr"];

describe("backup - an erasure holds against a backup made before it", () => {
  let s: SchakelServer;
  let fresh: NatsServer;
  let tmp: string;
  const services: OrganisationServices[] = [];
  const closeLater: (() => Promise<void>)[] = [];
  const cli = (...args: string[]): Promise<CliResult> => runInProcess(["--wait", "0", ...args]);
  /** A participant's connection to `url`, bound to the case key folder of `dataDir`. */
  const member = async (org: string, url: string, dataDir: string): Promise<Bus> => {
    const bus = await s.connectAs(org, { servers: url });
    useCaseKeys(bus, caseKeyStoreAt(dataDir, org));
    return bus;
  };

  beforeAll(async () => {
    s = await startSchakelServer();
    tmp = await mkdtemp(join(tmpdir(), "schakel-backup-erasure-"));
    for (const org of PARTICIPANTS) {
      services.push(await startOrganisationServices({ org, servers: [s.url], credentials: s.identities.organisations.get(org)!, directory: s.directory, dataDir: s.dataDir }));
    }
    fresh = await startServer({ configText: renderAuthorization(s.registry, s.identities) });
  }, 60_000);
  afterAll(async () => {
    for (const close of closeLater) await close();
    for (const svc of services) await svc.stop();
    await fresh?.cleanup();
    await s?.cleanup();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("backup - taken while the case is open, restored after its erasure: nobody opens its content, the audit chain verifies", async () => {
    const [mechelen, antwerpen, police] = await Promise.all(PARTICIPANTS.map((org) => member(org, s.url, s.dataDir)));
    await setLivcComposition(mechelen!, { members: [{ org: "antwerpen", roles: ["livc-member"] }, { org: "fed-police", roles: ["liaison"] }] });
    for (const bus of [antwerpen!, police!]) await waitFor(async () => (await (await orgState(bus)).livc.get("mechelen")) ?? undefined, { what: `the composition at ${bus.org}` });
    await openCase(mechelen!, { caseRef: CASE, participants: ["antwerpen", "fed-police"], summary: "Returning foreign fighter; family asks for support." });
    for (const bus of [antwerpen!, police!]) await waitFor(() => caseKeysOf(bus).get(CASE), { what: `the case key at ${bus.org}` });
    const asked = await requestCaseConsultation(mechelen!, { caseRef: CASE, recipients: ["fed-police"], question: "Known to your service?" });
    await waitFor(() => openCaseConsultation(police!, asked.consultationId), { what: "the consultation at fed-police" });
    await respondToCaseConsultation(police!, { consultationId: asked.consultationId, answer: "Known since 2024; under follow-up." });
    const answered = await waitFor(async () => (await openCaseConsultation(mechelen!, asked.consultationId))?.answers[0], { what: "the answer at mechelen" });
    expect(answered.content.answer).toBe("Known since 2024; under follow-up.");
    const keyBefore: CaseKey = caseKeysOf(mechelen!).get(CASE)!;

    const auditor = await startAuditor({ servers: s.url, seed: s.identities.audit.seed, dataDir: s.dataDir, checkpointEvery: 20 });
    await auditor.caughtUp(20_000);
    await auditor.stop();
    // Even a backup that holds the seeds never holds a case key.
    const dir = join(tmp, "before-erasure");
    const taken = await cli("--data", s.dataDir, "--server", s.url, "backup", dir, "--include-secrets", "--json");
    expect([taken.code, taken.stderr]).toEqual([0, expect.not.stringContaining("error")]);
    const manifest = JSON.parse(taken.stdout) as { streams: { name: string; state: { messages: number } }[]; files: { path: string }[] };
    for (const org of PARTICIPANTS) {
      expect(manifest.streams.find((x) => x.name === `KV_${caseStateBucket(org)}`)?.state.messages, `the case state of ${org} in the backup`).toBeGreaterThan(0);
    }
    expect(manifest.files.filter((f) => f.path.startsWith("case-keys"))).toEqual([]);
    expect(existsSync(join(dir, "files", "case-keys"))).toBe(false);

    await eraseCase(mechelen!, { caseRef: CASE, reason: "requested", note: "the data subject's request" });
    for (const org of PARTICIPANTS) await waitFor(() => !caseKeyStoreAt(s.dataDir, org).get(CASE), { what: `the case key destroyed at ${org}` });

    const restoredData = join(tmp, "restored");
    const restored = await cli("--data", restoredData, "--server", fresh.url, "restore", dir, "--files", "--json");
    expect([restored.code, restored.stderr]).toEqual([0, expect.not.stringContaining("error")]);
    expect(existsSync(join(restoredData, "case-keys"))).toBe(false);
    // What `schakel up` does next on the restored store: provisioning finds it all, the consumer gate runs.
    const session = await openAdminSession({ url: fresh.url, adminSeed: s.identities.admin.seed, registry: s.registry });
    closeLater.push(() => session.close());
    expect(session.provisioned.filter((p) => p.action !== "unchanged").map((p) => `${p.kind} ${p.name} ${p.action}`)).toEqual([]);

    // Every ciphertext of the case in the restored data: the CASE stream and the case state buckets.
    const sealed: { where: string; content: SealedContent }[] = [];
    const op = await OperatorConnection.connect({ servers: fresh.url, as: ADMIN_ID, seed: s.identities.admin.seed, reconnect: false });
    try {
      const st = await op.streamState(STREAMS.case.name);
      for (let seq = st.firstSeq; st.messages > 0 && seq <= st.lastSeq; seq++) {
        const m = await op.storedMessage(STREAMS.case.name, seq);
        const data = m ? (JSON.parse(Buffer.from(m.body).toString("utf8")) as { type: string; data: { caseRef?: string; sealed?: unknown } }) : undefined;
        if (data?.data.caseRef !== CASE || data.type === "case.key.granted") continue;
        const parsed = SealedContent.safeParse(data.data.sealed);
        if (parsed.success) sealed.push({ where: `CASE #${seq} ${data.type}`, content: parsed.data });
      }
    } finally {
      await op.close();
    }
    const restoredBuses = new Map<string, Bus>();
    for (const org of READERS) restoredBuses.set(org, await member(org, fresh.url, restoredData));
    for (const org of PARTICIPANTS) {
      const state = await orgState(restoredBuses.get(org)!);
      const file = (await state.cases.get(CASE))?.value;
      // The backup predates the erasure: the restored record does not say the case was erased.
      expect(file, `${org}'s restored case file`).toMatchObject({ caseRef: CASE });
      expect(file!.erased).toBeUndefined();
      sealed.push({ where: `${caseStateBucket(org)} case-file`, content: file!.sealed });
      for (const c of (await state.consultationsOut.list()).map((r) => r.value).filter((c) => c.caseRef === CASE)) {
        sealed.push({ where: `${caseStateBucket(org)} case-out`, content: c.sealed }, ...c.responses.map((r) => ({ where: `${caseStateBucket(org)} answer`, content: r.sealed })));
      }
      for (const c of (await state.consultationsIn.list()).map((r) => r.value).filter((c) => c.caseRef === CASE)) sealed.push({ where: `${caseStateBucket(org)} case-in`, content: c.sealed });
    }
    expect(sealed.filter((x) => x.where.includes("case-in") || x.where.includes("answer")).length).toBeGreaterThanOrEqual(2);

    /** How many of the restored ciphertexts each reader opens with its long-term key and `keyOf(reader)`. */
    const opened = (keyOf: (bus: Bus) => CaseKey | undefined): string[] => {
      const out: string[] = [];
      for (const [org, bus] of restoredBuses) {
        for (const x of sealed) {
          if (!x.content.recipients.some((r) => r.org === org)) continue;
          try {
            open(x.content, org, bus.identity.sealingPrivateKey, undefined, keyOf(bus));
            out.push(`${org}: ${x.where}`);
          } catch {
            // sealed under a case key this reader does not hold
          }
        }
      }
      return out;
    };
    // The restored data is complete: the case key as it was before the erasure opens it.
    expect(opened(() => keyBefore).length).toBeGreaterThanOrEqual(sealed.length);
    // What the readers hold: the restored data folder's key folders (never in a backup) and their own (erased).
    expect(opened((bus) => caseKeysOf(bus).get(CASE))).toEqual([]);
    expect(opened((bus) => caseKeyStoreAt(s.dataDir, bus.org).get(CASE))).toEqual([]);
    await expect(openCaseFile(restoredBuses.get("mechelen")!, CASE)).rejects.toThrow(/does not hold|erased/);
    await expect(openCaseConsultation(restoredBuses.get("fed-police")!, asked.consultationId)).rejects.toThrow(/does not hold|erased/);
    expect((await caseFiles(restoredBuses.get("antwerpen")!)).map((c) => c.caseRef)).toContain(CASE);
    expect((await readdir(restoredData)).sort()).toEqual(expect.arrayContaining(["audit", "identities"]));

    const audit = await cli("--data", restoredData, "--server", fresh.url, "audit", "verify", "--bus", "--json");
    expect([audit.code, audit.stderr]).toEqual([0, ""]);
    expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true, checkpoints: expect.any(Number) });
    expect(JSON.parse(audit.stdout).checkpoints).toBeGreaterThan(0);
  });
});
