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
import { runInProcess } from "./support/run-cli.ts";

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
