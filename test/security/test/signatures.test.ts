/**
 * Receivers verify every message against the registry's public keys before a handler runs. Each
 * kind of non-genuine message — unsigned, forged, an unknown key, another organisation's key, an
 * unknown sender, a replay to another audience or subject, a replay later, a time outside the
 * tolerance — is injected past the broker (as the admin) and must end in the dead-letter stream
 * with its reason, never in a handler.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STREAMS } from "@schakel/contracts";
import { HEADERS, type Bus, type ConsumeEvent, type Consumption } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { deadLetterFor, inject } from "../src/bus/dead-letters.ts";
import { envelopeOf, notice, noticeSubject, signatureHeader, signed, strangerFor } from "../src/bus/forge.ts";

const SKEW_MS = 2_000;

describe("signatures - a receiver refuses what is not genuine", () => {
  let s: SchakelServer;
  let ocam: Bus;
  let receiver: Bus;
  let consumption: Consumption;
  const handled: string[] = [];
  const events: ConsumeEvent[] = [];
  let n = 0;
  const marker = (what: string) => `${what}-${++n}-${Date.now()}`;

  beforeAll(async () => {
    s = await startSchakelServer();
    ocam = await s.connectAs("fed-ocam");
    receiver = await s.connectAs("mechelen", { skewMs: SKEW_MS });
    consumption = receiver.consume({ handlers: { "notice.posted": (d) => void handled.push(d.data.body) }, onEvent: (e) => void events.push(e) });
  });
  afterAll(async () => {
    await consumption?.stop();
    await s?.cleanup();
  });

  /** The dead letter for `mark` has `reason`, and no handler saw a message with `mark` (beyond `handledBefore`). */
  async function refusedWith(mark: string, reason: string, handledBefore = 0): Promise<void> {
    const dl = await deadLetterFor(await s.jsm(), mark);
    expect(dl.reason).toBe(reason);
    expect(dl.detail.length).toBeGreaterThan(10);
    expect(dl.subject).toBe(`deadletter.mechelen.${reason}`);
    expect(handled.filter((b) => b.includes(mark))).toHaveLength(handledBefore);
    expect(events.some((e) => e.kind === "rejected" && e.rejection.reason === reason && e.filed)).toBe(true);
  }

  it("signatures - control: a genuine message reaches the handler", async () => {
    const mark = marker("genuine");
    const out = notice(ocam.identity, s.directory, "mechelen", mark);
    await inject(await s.admin(), out.subject, out.body, out.headers);
    await waitFor(() => handled.some((b) => b.includes(mark)), { what: "the genuine notice in the handler" });
  });

  it("signatures - an unsigned message is dead-lettered as unsigned", async () => {
    const mark = marker("unsigned");
    const out = notice(ocam.identity, s.directory, "mechelen", mark);
    await inject(await s.admin(), out.subject, out.body, signatureHeader());
    await refusedWith(mark, "unsigned");
  });

  it("signatures - a body altered after signing is dead-lettered as forged", async () => {
    const mark = marker("forged");
    const out = notice(ocam.identity, s.directory, "mechelen", mark);
    const altered = Buffer.from(out.body);
    altered[altered.indexOf("Notice")] = "n".charCodeAt(0);
    await inject(await s.admin(), out.subject, altered, out.headers);
    await refusedWith(mark, "forged");
  });

  it("signatures - a signature by a key nobody registered is dead-lettered as unknown-key", async () => {
    const mark = marker("stranger");
    const out = notice(strangerFor("fed-ocam"), s.directory, "mechelen", mark);
    await inject(await s.admin(), out.subject, out.body, out.headers);
    await refusedWith(mark, "unknown-key");
  });

  it("signatures - another organisation's real key cannot speak for fed-ocam (unknown-key)", async () => {
    const mark = marker("borrowed");
    const antwerpen = await s.connectAs("antwerpen");
    const env = envelopeOf(notice(ocam.identity, s.directory, "mechelen", mark).body);
    const m = signed(antwerpen.identity, noticeSubject("mechelen", "fed-ocam"), { ...env, signingkey: antwerpen.identity.publicKey });
    await inject(await s.admin(), m.subject, m.body, m.headers);
    await refusedWith(mark, "unknown-key");
  });

  it("signatures - a sender that is not in the registry is dead-lettered as unknown-organisation", async () => {
    const mark = marker("ghost");
    const ghost = strangerFor("ghost-agency");
    const env = envelopeOf(notice(ocam.identity, s.directory, "mechelen", mark).body);
    const m = signed(ghost, noticeSubject("mechelen", "ghost-agency"), { ...env, sender: "ghost-agency", source: "urn:schakel:org:ghost-agency", signingkey: ghost.publicKey });
    await inject(await s.admin(), m.subject, m.body, m.headers);
    await refusedWith(mark, "unknown-organisation");
  });

  it("signatures - a captured message replayed to another audience is refused (subject-mismatch), and with its audience rewritten (forged)", async () => {
    const mark = marker("elsewhere");
    const original = await ocam.publish("notice.posted", { ...notice(ocam.identity, s.directory, "antwerpen", mark).envelope.data }, { to: "antwerpen" });
    const stored = await (await s.jsm()).streams.getMessage(STREAMS.coord.name, { seq: original.seq });
    const sig = stored!.header.get(HEADERS.signature);
    await inject(await s.admin(), noticeSubject("mechelen", "fed-ocam"), stored!.data, signatureHeader(sig));
    await refusedWith(mark, "subject-mismatch");

    const mark2 = marker("rewritten");
    const again = await ocam.publish("notice.posted", { ...notice(ocam.identity, s.directory, "antwerpen", mark2).envelope.data }, { to: "antwerpen" });
    const copy = await (await s.jsm()).streams.getMessage(STREAMS.coord.name, { seq: again.seq });
    const rewritten = new TextEncoder().encode(JSON.stringify({ ...envelopeOf(copy!.data), audience: "mechelen" }));
    await inject(await s.admin(), noticeSubject("mechelen", "fed-ocam"), rewritten, signatureHeader(copy!.header.get(HEADERS.signature)));
    await refusedWith(mark2, "forged");
  });

  it("signatures - a captured message replayed on another subject of the same audience is refused (subject-mismatch)", async () => {
    const mark = marker("othertype");
    const out = notice(ocam.identity, s.directory, "mechelen", mark);
    await inject(await s.admin(), "coord.mechelen.fed-ocam.coordination.requested", out.body, out.headers);
    await refusedWith(mark, "subject-mismatch");
  });

  it("signatures - a captured message replayed later is refused (clock-skew); within the duplicate window JetStream drops it", async () => {
    const mark = marker("later");
    const out = notice(ocam.identity, s.directory, "mechelen", mark);
    const first = await inject(await s.admin(), out.subject, out.body, out.headers, out.envelope.id);
    await waitFor(() => handled.some((b) => b.includes(mark)), { what: "the original delivery" });
    // Same bytes with the same message id inside the duplicate window: not even stored.
    expect(await inject(await s.admin(), out.subject, out.body, out.headers, out.envelope.id)).toEqual({ seq: first.seq, duplicate: true });
    // Without the id, after the tolerance: stored, but refused by the receiver.
    await new Promise((r) => setTimeout(r, SKEW_MS + 500));
    const replay = await inject(await s.admin(), out.subject, out.body, signatureHeader(out.headers.get(HEADERS.signature)));
    expect(replay.duplicate).toBe(false);
    await refusedWith(mark, "clock-skew", 1);
  });

  it("signatures - a message whose time lies outside the tolerance, before or after, is refused (clock-skew)", async () => {
    for (const offset of [-10 * 60_000, 10 * 60_000]) {
      const mark = marker(`skew${offset > 0 ? "future" : "past"}`);
      const out = notice(ocam.identity, s.directory, "mechelen", mark, new Date(Date.now() + offset));
      await inject(await s.admin(), out.subject, out.body, out.headers);
      await refusedWith(mark, "clock-skew");
    }
  });
});
