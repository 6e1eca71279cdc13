/**
 * The checkpoint age the metrics report, and the auditor keeping it bounded: after a burst and
 * then silence, the tail of the chain is anchored by a checkpoint on the interval, not only when
 * the next message arrives (else the checkpoint-age alert would fire on a healthy auditor).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_ID, sampleData } from "@schakel/contracts";
import { OperatorConnection } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { checkpointAgeSeconds } from "../src/metrics.ts";
import { openCheckpoints, readCheckpoints, startAuditor, type Auditor } from "../src/mod.ts";

describe("audit - checkpoint age", () => {
  let s: SchakelServer;
  let auditor: Auditor | undefined;
  let audit: OperatorConnection;
  beforeAll(async () => {
    s = await startSchakelServer();
    audit = await OperatorConnection.connect({ servers: s.url, as: AUDIT_ID, seed: s.identities.audit.seed });
  });
  afterAll(async () => {
    await auditor?.stop().catch(() => {});
    await audit?.close();
    await s?.cleanup();
  });

  it("audit - the age is 0 while every record is checkpointed, else the seconds since the last checkpoint", () => {
    expect(checkpointAgeSeconds({ records: 5, checkpointed: { index: 4, at: 1_000 } }, 61_000)).toBe(0);
    expect(checkpointAgeSeconds({ records: 7, checkpointed: { index: 4, at: 1_000 } }, 61_000)).toBe(60);
    expect(checkpointAgeSeconds({ records: 0, checkpointed: { index: -1, at: 1_000 } }, 61_000)).toBe(0);
  });

  it("audit - a burst followed by silence is anchored by a checkpoint within the interval", async () => {
    const ocam = await s.connectAs("fed-ocam");
    auditor = await startAuditor({ servers: s.url, seed: s.identities.audit.seed, dataDir: s.dataDir, checkpointEvery: 1_000, checkpointIntervalMs: 1_500 });
    // A burst right after start (within the interval), then nothing: no later batch triggers a checkpoint.
    for (let i = 0; i < 4; i++) await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    await auditor.caughtUp();
    const last = auditor.head().records - 1;
    expect(last).toBe(3);
    const checkpoints = await openCheckpoints(audit);
    await waitFor(async () => (await readCheckpoints(checkpoints)).at(-1)?.i === last, { timeoutMs: 6_000, what: `a checkpoint of record ${last} without new messages` });
  });
});
