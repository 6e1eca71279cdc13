/**
 * `schakel notice status` shows who acknowledged: the person's name where the data folder holds
 * their organisation's credentials and the persons file names them, the pseudonym and role where
 * it cannot resolve it, and "its service" when no person was named — the sender from the receipts
 * in its feed, the recipient from its own record.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecipientReport } from "@schakel/organisation";
import { acknowledgeNotice, postNotice } from "@schakel/organisation";
import type { Bus } from "@schakel/contracts/bus";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { runInProcess } from "./support/run-cli.ts";

let s: SchakelServer;
let g: string[];
let ocam: Bus;
let mechelen: Bus;

const statusAs = async (noticeId: string, as: string): Promise<RecipientReport> => {
  const r = await runInProcess([...g, "notice", "status", noticeId, "--as", as, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { recipients: RecipientReport[] }).recipients.find((x) => x.org === "mechelen")!;
};

/** A notice from fed-ocam to mechelen, acknowledged by mechelen as `actor` says. */
async function acknowledgedNotice(actor?: { person: string; role: "livc-member" | "livc-coordinator" }): Promise<string> {
  const { noticeId } = await postNotice(ocam, { to: ["mechelen"], title: "Release of a detainee", body: "Coordinate the follow-up.", category: "information", ackBy: new Date(Date.now() + 3_600_000) });
  const ack = await acknowledgeNotice(mechelen, { noticeId, ...(actor ? { actor } : {}) });
  expect(ack.outcome).toBe("acknowledged");
  return noticeId;
}

beforeAll(async () => {
  s = await startSchakelServer();
  g = ["--data", s.dataDir, "--server", s.url];
  ocam = await s.connectAs("fed-ocam");
  mechelen = await s.connectAs("mechelen");
});
afterAll(async () => {
  await s?.cleanup();
});

describe("cli notice status - who acknowledged", () => {
  it("notice status - names the acting person for the sender and the recipient, human and JSON", async () => {
    const noticeId = await acknowledgedNotice({ person: "m.peeters", role: "livc-member" });
    const pseudonym = mechelen.pseudonymOf("m.peeters");
    for (const as of ["fed-ocam", "mechelen"]) {
      expect(await statusAs(noticeId, as)).toMatchObject({ state: "acknowledged", acknowledgedActor: { pseudonym, role: "livc-member", person: "m.peeters", name: "Marc Peeters" } });
    }
    const human = await runInProcess([...g, "notice", "status", noticeId, "--as", "fed-ocam"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/BY/);
    expect(human.stdout).toMatch(/mechelen .* Marc Peeters \(livc-member\)\s+acknowledged/);
  });

  it("notice status - a person the persons file does not name shows as pseudonym and role; no person is its service", async () => {
    const stranger = await acknowledgedNotice({ person: "x.onbekend", role: "livc-coordinator" });
    const row = await statusAs(stranger, "fed-ocam");
    expect(row.acknowledgedActor).toEqual({ pseudonym: mechelen.pseudonymOf("x.onbekend"), role: "livc-coordinator", person: null, name: null });
    const human = await runInProcess([...g, "notice", "status", stranger, "--as", "fed-ocam"]);
    expect(human.stdout).toContain(`${mechelen.pseudonymOf("x.onbekend")} (livc-coordinator)`);

    const service = await acknowledgedNotice();
    expect((await statusAs(service, "fed-ocam")).acknowledgedActor).toBeNull();
    const plain = await runInProcess([...g, "notice", "status", service, "--as", "fed-ocam"]);
    expect(plain.stdout).toMatch(/mechelen .* its service\s+acknowledged/);
  });
});
