/**
 * The CLI's outbound interceptor, without a server: what it sends again (the same message, until
 * acknowledged) and what it gives up on at once. The outage itself, on a real server, is in
 * bus-wait.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sampleData, SchakelError } from "@schakel/contracts";
import type { NextSend, Outgoing, Published } from "@schakel/contracts/bus";
import { TestBus, testOrganisations } from "@schakel/contracts/bus/testing";
import { loadRegistry } from "@schakel/infra";
import { resendUntilAcknowledged } from "../src/resend-until-acknowledged.ts";

const orgs = testOrganisations(loadRegistry().organisations);
const notice = (): Outgoing => orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" });
const timeout = (): SchakelError => new SchakelError("timeout", "no acknowledgement from JetStream in time");

let stderr: string[];
beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => (stderr.push(String(c)), true));
});
afterEach(() => vi.restoreAllMocks());

/** A bus that stores what gets through, behind the interceptor and a `failing` step that may throw first. */
function busWith(failing: (out: Outgoing, attempt: number) => void, connectionClosed = () => false) {
  const attempts: string[] = [];
  const flaky = async (out: Outgoing, next: NextSend): Promise<Published> => {
    attempts.push(out.envelope.id);
    failing(out, attempts.length);
    return next(out);
  };
  const bus = new TestBus({ org: "fed-ocam", organisations: orgs, interceptors: { outbound: [resendUntilAcknowledged({ waitMs: 30_000, connectionClosed }), flaky] } });
  return { bus, attempts };
}

describe("resend until acknowledged", () => {
  it("resend - a send that was not acknowledged is sent again with the same envelope until it is, one line per attempt", async () => {
    const { bus, attempts } = busWith((_, attempt) => {
      if (attempt === 1) throw timeout();
    });
    const out = notice();
    const ack = await bus.send(out);
    expect(attempts).toEqual([out.envelope.id, out.envelope.id]);
    expect(ack.id).toBe(out.envelope.id);
    expect(bus.sent).toHaveLength(1);
    const text = stderr.join("");
    expect(text).toMatch(new RegExp(`notice.posted to "mechelen" \\(id ${out.envelope.id}\\) was not acknowledged \\(no acknowledgement in time\\); sending it again in 0.5s \\(attempt 1, giving up in 30s\\)`));
    expect(text).toMatch(new RegExp(`published notice.posted to "mechelen" \\(id ${out.envelope.id}\\) on attempt 2`));
  });

  it("resend - an error that sending again does not change is thrown at once, without a second attempt", async () => {
    const { bus, attempts } = busWith(() => {
      throw new SchakelError("limit", "the stream COORD is full");
    });
    await expect(bus.send(notice())).rejects.toMatchObject({ code: "limit" });
    expect(attempts).toHaveLength(1);
    expect(stderr).toEqual([]);
  });

  it("resend - a connection closed for good ends the resending at once with the send's error", async () => {
    const { bus, attempts } = busWith(() => {
      throw timeout();
    }, () => true);
    await expect(bus.send(notice())).rejects.toMatchObject({ code: "timeout" });
    expect(attempts).toHaveLength(1);
    expect(bus.sent).toEqual([]);
  });
});
