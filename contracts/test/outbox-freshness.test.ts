/**
 * Freshness of a message that waited in a leaf's OUTBOX: the hub's server marks what it sources
 * with `Nats-Stream-Source: OUTBOX:<hash> <seq>`; such a message is accepted up to the OUTBOX's
 * retention after its time, however long the outage. Without that mark (published straight at
 * the hub), or from the future, or older than the OUTBOX keeps messages, it is refused as
 * `clock-skew` as before. Runs the real sending code and the real read path (`verifyStored`).
 */
import { sampleData } from "@schakel/contracts";
import { DEFAULT_SKEW_MS, freshnessIssue, HEADERS, OUTBOX_WAIT_MS, sourcedFromOutbox, verifyStored, type StoredHeaders } from "@schakel/contracts/bus";
import { describe, expect, it } from "vitest";
import { organisations } from "./test-organisations.ts";

const orgs = organisations();
const HOUR = 3_600_000;
const SOURCED = "OUTBOX:Vf7kQk2M 42";

/** A signal mechelen wrote at `time`, stored at the hub at `storedAt`, with `extra` headers added. */
function stored(time: Date, storedAt: Date, extra: Record<string, string> = {}) {
  const out = orgs.message("mechelen", "signal.raised", sampleData("signal.raised"), { to: "federal", time });
  const values = new Map<string, string>();
  for (const k of out.headers.keys()) values.set(k, out.headers.get(k));
  for (const [k, v] of Object.entries(extra)) values.set(k, v);
  const headers: StoredHeaders = { get: (n) => values.get(n) ?? "", values: (n) => (values.has(n) ? [values.get(n)!] : []), keys: () => [...values.keys()] };
  return { subject: out.subject, body: out.body, headers, storedAt };
}

const reader = { directory: orgs.directory, skewMs: DEFAULT_SKEW_MS };

describe("freshness of messages that waited in a leaf's OUTBOX", () => {
  it("freshness - a message sourced from an OUTBOX 9 h after its time is accepted; the same bytes stored straight at the hub are refused as clock-skew", () => {
    const now = new Date();
    const written = new Date(now.getTime() - 9 * HOUR);
    const sourced = verifyStored(reader, stored(written, now, { [HEADERS.streamSource]: SOURCED }));
    expect(sourced.ok).toBe(true);
    const direct = verifyStored(reader, stored(written, now));
    expect(direct).toMatchObject({ ok: false, rejection: { reason: "clock-skew", detail: expect.stringContaining("tolerance 300 s") } });
  });

  it("freshness - an OUTBOX does not excuse a time in the future, nor a wait longer than the OUTBOX keeps messages", () => {
    const now = new Date();
    const ahead = verifyStored(reader, stored(new Date(now.getTime() + DEFAULT_SKEW_MS + 60_000), now, { [HEADERS.streamSource]: SOURCED }));
    expect(ahead).toMatchObject({ ok: false, rejection: { reason: "clock-skew", detail: expect.stringContaining("tolerance 300 s") } });
    const tooOld = verifyStored(reader, stored(new Date(now.getTime() - OUTBOX_WAIT_MS - DEFAULT_SKEW_MS - 60_000), now, { [HEADERS.streamSource]: SOURCED }));
    expect(tooOld).toMatchObject({ ok: false, rejection: { reason: "clock-skew", detail: expect.stringContaining("OUTBOX, which keeps messages 30 days") } });
    const justIn = verifyStored(reader, stored(new Date(now.getTime() - OUTBOX_WAIT_MS), now, { [HEADERS.streamSource]: SOURCED }));
    expect(justIn.ok).toBe(true);
  });

  it("freshness - only a source naming the OUTBOX stream counts, in the header forms of nats-server 2.9 and later", () => {
    expect(sourcedFromOutbox("OUTBOX:Vf7kQk2M 42", "OUTBOX")).toBe(true);
    expect(sourcedFromOutbox("OUTBOX 42", "OUTBOX")).toBe(true);
    expect(sourcedFromOutbox("OUTBOX:Vf7kQk2M 42 coord.> coord.>", "OUTBOX")).toBe(true);
    expect(sourcedFromOutbox("COORD:Vf7kQk2M 42", "OUTBOX")).toBe(false);
    expect(sourcedFromOutbox("OUTBOXES 42", "OUTBOX")).toBe(false);
    expect(sourcedFromOutbox("", "OUTBOX")).toBe(false);
    expect(sourcedFromOutbox(undefined, "OUTBOX")).toBe(false);
    const now = new Date();
    const otherSource = verifyStored(reader, stored(new Date(now.getTime() - HOUR), now, { [HEADERS.streamSource]: "COORD:Vf7kQk2M 7" }));
    expect(otherSource).toMatchObject({ ok: false, rejection: { reason: "clock-skew" } });
  });

  it("freshness - the tolerance itself is unchanged: within it either way, beyond it refused", () => {
    expect(freshnessIssue(0, DEFAULT_SKEW_MS, DEFAULT_SKEW_MS, () => false)).toBeUndefined();
    expect(freshnessIssue(DEFAULT_SKEW_MS, 0, DEFAULT_SKEW_MS, () => false)).toBeUndefined();
    expect(freshnessIssue(0, DEFAULT_SKEW_MS + 1_000, DEFAULT_SKEW_MS, () => false)).toMatch(/301 s apart, tolerance 300 s/);
    expect(freshnessIssue(DEFAULT_SKEW_MS + 1_000, 0, DEFAULT_SKEW_MS, () => true)).toMatch(/tolerance 300 s/);
    // The source header is looked at only for a message later than the tolerance.
    expect(freshnessIssue(0, 1_000, DEFAULT_SKEW_MS, () => { throw new Error("asked"); })).toBeUndefined();
  });
});
