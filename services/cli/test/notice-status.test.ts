/**
 * `schakel notice status` as each viewer, on a real secured bus with every level service running:
 * fed-ocam posts a notice to mechelen and vilvoorde with a short deadline, mechelen acknowledges
 * in time, vilvoorde stays silent and the platform escalates it. The platform sees every
 * recipient from its read model; the sender sees every recipient from its record of the notice
 * and the receipts addressed to it; mechelen sees its own row and the other recipient as not visible — never as overdue.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecipientReport } from "@schakel/organisation";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { startLevelServices, type LevelServices } from "@schakel/stack";
import { newMessageId } from "@schakel/contracts";
import { openPlatformStores } from "@schakel/platform";
import { runInProcess, spawnCli } from "./support/run-cli.ts";

let s: SchakelServer;
let services: LevelServices;
let g: string[];
let noticeId: string;
let ackBy: string;

interface StatusJson { source: string; title: string | null; sender: string | null; ackBy: string | null; progress: string; recipients: RecipientReport[] }

const statusAs = async (as: string): Promise<StatusJson> => {
  const r = await runInProcess([...g, "notice", "status", noticeId, "--as", as, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
};
const rowsOf = (s: StatusJson) => Object.fromEntries(s.recipients.map((r) => [r.org, r]));

beforeAll(async () => {
  s = await startSchakelServer();
  g = ["--data", s.dataDir, "--server", s.url];
  services = await startLevelServices({ dataDir: s.dataDir, url: s.url, directory: s.directory, options: { flemish: { tickMs: 100 } } });
  const posted = await runInProcess([...g, "notice", "post", "--as", "fed-ocam", "--to", "mechelen,vilvoorde", "--title", "Release of a detainee in the region",
    "--body", "Coordinate the follow-up in your local cell.", "--ack-by", "8s", "--json"]);
  expect(posted.code, posted.stderr).toBe(0);
  ({ noticeId, ackBy } = JSON.parse(posted.stdout) as { noticeId: string; ackBy: string });
  const acked = await runInProcess([...g, "notice", "ack", noticeId, "--as", "mechelen", "--by", "duty officer", "--json"]);
  expect(acked.code, acked.stderr).toBe(0);
  // Past the deadline, the platform escalates vilvoorde's missing acknowledgement.
  await waitFor(async () => rowsOf(await statusAs("vpr")).vilvoorde?.escalated, { timeoutMs: 30_000, intervalMs: 250, what: "the escalation of vilvoorde" });
});
afterAll(async () => {
  await services?.stop();
  await s?.cleanup();
});

describe("cli notice status", () => {
  it("notice status - the platform sees every recipient from its read model", async () => {
    const status = await statusAs("vpr");
    expect(status).toMatchObject({ source: "platform", sender: "fed-ocam", ackBy, progress: "overdue" });
    const rows = rowsOf(status);
    expect(Object.keys(rows)).toEqual(["mechelen", "vilvoorde"]);
    expect(rows.mechelen).toMatchObject({ state: "acknowledged", acknowledgedBy: "duty officer", late: false, escalated: false });
    expect(rows.mechelen!.deliveredAt).not.toBeNull();
    expect(rows.vilvoorde).toMatchObject({ state: "overdue", acknowledgedAt: null, escalated: true });
  });

  it("notice status - the sender sees every recipient from its record of the notice and the receipts addressed to it", async () => {
    const status = await waitFor(async () => {
      const st = await statusAs("fed-ocam");
      return rowsOf(st).vilvoorde?.escalated ? st : undefined;
    }, { what: "vilvoorde's escalation in fed-ocam's feed" });
    expect(status).toMatchObject({ source: "record", title: "Release of a detainee in the region", sender: "fed-ocam", ackBy, progress: "overdue" });
    const rows = rowsOf(status);
    expect(Object.keys(rows)).toEqual(["mechelen", "vilvoorde"]);
    expect(rows.mechelen).toMatchObject({ state: "acknowledged", acknowledgedBy: "duty officer", late: false });
    expect(rows.vilvoorde).toMatchObject({ state: "overdue", acknowledgedAt: null, escalated: true });
    expect(rows.vilvoorde!.deliveredAt).not.toBeNull();
  });

  it("notice status - a recipient that acknowledged in time sees its own row; the other recipient is not visible to it, not overdue", async () => {
    const status = await statusAs("mechelen");
    expect(status).toMatchObject({ source: "record", sender: "fed-ocam", ackBy, progress: "complete" });
    const rows = rowsOf(status);
    expect(rows.mechelen).toMatchObject({ state: "acknowledged", acknowledgedBy: "duty officer", late: false, escalated: false });
    expect(rows.mechelen!.deliveredAt).not.toBeNull();
    expect(rows.vilvoorde).toMatchObject({ state: "not-visible", deliveredAt: null, acknowledgedAt: null, escalated: false });
    const human = await runInProcess([...g, "notice", "status", noticeId, "--as", "mechelen"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/vilvoorde\s+—\s+—\s+not visible to you/);
    expect(human.stdout).not.toMatch(/overdue/);
  });
});

describe("cli notice list, obligations and status --watch", () => {
  it("notice list - the platform's notices with their progress, from the same fold as notice status", async () => {
    const r = await runInProcess([...g, "notice", "list", "--from", "fed-ocam", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const row = (JSON.parse(r.stdout) as { noticeId: string }[]).find((n) => n.noticeId === noticeId);
    expect(row).toMatchObject({ sender: "fed-ocam", progress: "overdue", acknowledged: 1, expected: 2, overdue: ["vilvoorde"], escalated: ["vilvoorde"] });
    const none = await runInProcess([...g, "notice", "list", "--from", "mechelen", "--json"]);
    expect(JSON.parse(none.stdout)).toEqual([]);
    const bad = await runInProcess([...g, "notice", "list", "--progress", "late"]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining(`--progress "late" is not one of open, overdue, complete, informational`)]);
  });

  it("obligations - what is still owed, with escalations marked; a met obligation is gone", async () => {
    const r = await runInProcess([...g, "obligations", "--owed-to", "fed-ocam", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const mine = (JSON.parse(r.stdout) as { reference: string; owedBy: string; kind: string; escalated: boolean; overdue: boolean }[]).filter((o) => o.reference === noticeId);
    expect(mine).toEqual([expect.objectContaining({ owedBy: "vilvoorde", kind: "acknowledgement", escalated: true, overdue: true })]);
    const human = await runInProcess([...g, "obligations", "--owed-by", "vilvoorde"]);
    expect(human.stdout).toMatch(new RegExp(`escalated vilvoorde owes fed-ocam acknowledgement of ${noticeId}`));
  });

  it("notice status --watch - prints each change (NDJSON with --json) and ends once every recipient acknowledged", async () => {
    const posted = await runInProcess([...g, "notice", "post", "--as", "fed-ocam", "--to", "mechelen", "--title", "Watch this notice", "--body", "Acknowledge please.", "--ack-by", "5m", "--json"]);
    const id = (JSON.parse(posted.stdout) as { noticeId: string }).noticeId;
    const watch = spawnCli([...g, "notice", "status", id, "--watch", "--json"]);
    await waitFor(() => watch.stdout().includes("\n"), { timeoutMs: 30_000, what: "the first status line" });
    const acked = await runInProcess([...g, "notice", "ack", id, "--as", "mechelen"]);
    expect(acked.code, acked.stderr).toBe(0);
    const r = await watch.done;
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as StatusJson);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]!.progress).toBe("open");
    expect(lines.at(-1)).toMatchObject({ progress: "complete", recipients: [expect.objectContaining({ org: "mechelen", state: "acknowledged" })] });
    expect(r.stderr).toMatch(/stopped watching/);
  });

  it("safe text - a stored title with terminal escapes is shown escaped by notice status and notice list, and intact in JSON", async () => {
    const nasty = "Clear\u001b[2J\u001b]0;owned\u0007 evil\u202egnp.exe";
    const stores = await openPlatformStores(await s.connectAs("vpr"));
    const id = newMessageId();
    await stores.deliveries.put(id, { noticeId: id, sender: "fed-ocam", title: nasty, audiences: ["mechelen"], expected: ["mechelen"], postedAt: new Date().toISOString(), copies: {}, receipts: {} });
    const human = await runInProcess([...g, "notice", "status", id]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("Clear\\x1b[2J\\x1b]0;owned\\x07 evil\\u202egnp.exe");
    const list = await runInProcess([...g, "notice", "list", "--json"]);
    for (const out of [human.stdout, list.stdout]) expect(out).not.toMatch(/[\u001b\u0007\u202e]/);
    expect((JSON.parse(list.stdout) as { noticeId: string; title: string }[]).find((n) => n.noticeId === id)?.title).toBe(nasty);
  });
});
