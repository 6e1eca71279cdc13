/** What people type: durations, deadlines, feed start points and type filters. No server needed. */
import { describe, expect, it } from "vitest";
import { parseTypeFilter } from "../src/commands/feed.ts";
import { usageError } from "./support/usage-error.ts";
import { parseDeadline, parseDuration, parseSince } from "../src/input/time-input.ts";
import { parsePort } from "../src/input/port.ts";

const now = new Date("2026-11-28T10:00:00.000Z");


describe("cli input", () => {
  it("input - durations combine units", () => {
    expect(parseDuration("3s")).toBe(3_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("2d")).toBe(172_800_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("3 s")).toBeUndefined();
    expect(parseDuration("soon")).toBeUndefined();
  });

  it("input - a deadline is a duration from now or a future time", () => {
    expect(parseDeadline("--ack-by", "3s", now).toISOString()).toBe("2026-11-28T10:00:03.000Z");
    expect(parseDeadline("--ack-by", "2026-12-01T12:00:00+01:00", now).toISOString()).toBe("2026-12-01T11:00:00.000Z");
  });

  it("input - a bad deadline names the option and shows what is accepted", () => {
    expect(usageError(() => parseDeadline("--ack-by", "tomorrow", now)).message).toMatch(/--ack-by "tomorrow" is neither a duration .*30s.* nor a time/);
    expect(usageError(() => parseDeadline("--ack-by", "2026-11-27T10:00:00Z", now)).message).toMatch(/--ack-by .* is in the past/);
    expect(usageError(() => parseDeadline("--ack-by", "0s", now)).message).toMatch(/zero/);
  });

  it("input - --since takes a sequence, a time, a duration ago or now", () => {
    expect(parseSince(undefined)).toEqual({ kind: "all" });
    expect(parseSince("now")).toEqual({ kind: "new" });
    expect(parseSince("42")).toEqual({ kind: "after-seq", seq: 42 });
    expect(parseSince("15m", now)).toEqual({ kind: "time", time: new Date("2026-11-28T09:45:00.000Z") });
    expect(parseSince("2026-11-28T08:00:00Z")).toEqual({ kind: "time", time: new Date("2026-11-28T08:00:00.000Z") });
    expect(usageError(() => parseSince("yesterday")).message).toMatch(/--since "yesterday"/);
  });

  it("input - --type globs match catalog types and refuse what matches nothing", () => {
    const notices = parseTypeFilter("notice.*")!;
    expect(["notice.posted", "notice.delivered", "notice.acknowledged"].every(notices)).toBe(true);
    expect(notices("escalation.raised")).toBe(false);
    const raised = parseTypeFilter("*.raised,digest.published")!;
    expect(raised("signal.raised") && raised("escalation.raised") && raised("digest.published")).toBe(true);
    expect(raised("signal.escalated")).toBe(false);
    expect(parseTypeFilter("policy.*")!("policy.update.published")).toBe(true);
    expect(usageError(() => parseTypeFilter("notcie.*")).message).toMatch(/matches no message type/);
    expect(usageError(() => parseTypeFilter("notice.$")).message).toMatch(/may contain only/);
  });

  it("input - --port is a port number; 0 means a free one", () => {
    expect(parsePort("0")).toBe(0);
    expect(parsePort("4333")).toBe(4333);
    expect(parsePort(undefined)).toBeUndefined();
    expect(usageError(() => parsePort("http")).message).toMatch(/--port "http"/);
    expect(usageError(() => parsePort("70000")).message).toMatch(/--port "70000"/);
  });
});
