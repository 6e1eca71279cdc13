/**
 * `schakel notify` on a real bus: a person's preferences shown (defaults), changed and refused
 * with exit 2 naming what is wrong (an unknown event, e-mail without an address, another
 * organisation's person); `notify list` shows each delivery's status, attempts and last error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationKey, notificationStore } from "@schakel/organisation";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { runInProcess } from "./support/run-cli.ts";

let s: SchakelServer;
let g: string[];

beforeAll(async () => {
  s = await startSchakelServer();
  g = ["--data", s.dataDir, "--server", s.url];
});
afterAll(() => s?.cleanup());

const cli = (...args: string[]) => runInProcess([...g, ...args]);

describe("cli - notify", () => {
  it("notify prefs - defaults by e-mail address, a change kept, bad input exit 2 naming the event, the address or the organisation", async () => {
    const shown = await cli("notify", "prefs", "show", "--as", "mechelen", "--person", "l.peeters", "--json");
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ person: "l.peeters", stored: false, events: { "urgent-notice": "email", deadline: "email", escalation: "none" } });

    const set = await cli("notify", "prefs", "set", "urgent-notice=none", "escalation=email", "--as", "mechelen", "--person", "l.peeters", "--json");
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ stored: true, events: { "urgent-notice": "none", escalation: "email", deadline: "email" } });
    const text = await cli("notify", "prefs", "show", "--as", "mechelen", "--person", "l.peeters");
    expect(text.stdout).toMatch(/urgent-notice\s+none/);

    const unknown = await cli("notify", "prefs", "set", "digests=email", "--as", "mechelen", "--person", "l.peeters");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown notification event "digests": use one of urgent-notice, deadline/);
    const noAddress = await cli("notify", "prefs", "set", "deadline=email", "--as", "mechelen", "--person", "m.peeters");
    expect(noAddress.code).toBe(2);
    expect(noAddress.stderr).toMatch(/m\.peeters has no e-mail address/);
    const elsewhere = await cli("notify", "prefs", "show", "--as", "antwerpen", "--person", "l.peeters");
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/l\.peeters works for mechelen, not antwerpen/);
  });

  it("notify list - each notification with its delivery status, attempts and last error", async () => {
    const store = await notificationStore(await s.connectAs("mechelen"));
    const id = "01a24cb6-0754-74fa-b168-c1784c18d54d";
    await store.notifications.create(notificationKey("deadline", id, "l.peeters"), {
      person: "l.peeters", event: "deadline", messageId: id, subject: "[Schakel] Deadline: acknowledge", text: "Not acknowledged yet.", path: `/notices/${id}`,
      status: "failed", attempts: 5, createdAt: new Date().toISOString(), lastError: "connect ECONNREFUSED 127.0.0.1:2525",
    });
    const listed = await cli("notify", "list", "--as", "mechelen", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ person: "l.peeters", event: "deadline", status: "failed", attempts: 5, lastError: "connect ECONNREFUSED 127.0.0.1:2525" })]);
    const human = await cli("notify", "list", "--as", "mechelen");
    expect(human.stdout).toContain("failed after 5 attempt(s)");
    expect((await cli("notify", "list", "--as", "mechelen", "--limit", "0")).code).toBe(2);
  });
});
