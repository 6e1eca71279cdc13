/**
 * The console's HTTP answer for an error, from its code in one place: 400 bad input, 403 not
 * allowed, 404 not found, 413 too large, 503 for a bus that is away (or anything retryable), 500
 * for the rest; the body is the error as plain data.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { SchakelError, type ErrorCode } from "@schakel/contracts";
import { errors } from "@nats-io/transport-node";
import { asSchakelError, errorAnswer, httpStatusOf } from "../src/http/errors.ts";

const status = (code: ErrorCode, retryable?: boolean) => httpStatusOf(new SchakelError(code, "x", {}, retryable === undefined ? {} : { retryable }));

describe("console http errors", () => {
  it("console http errors - the status follows the code", () => {
    for (const code of ["schema", "unknown-type", "subject", "unknown-organisation", "unknown-audience"] as const) expect(status(code), code).toBe(400);
    expect(status("not-allowed")).toBe(403);
    expect(status("not-found")).toBe(404);
    expect(status("payload-too-large")).toBe(413);
    expect(status("unreachable")).toBe(503);
    expect(status("unreachable", false)).toBe(503);
    expect(status("timeout")).toBe(503);
    expect(status("conflict")).toBe(503);
    for (const code of ["limit", "failed", "credentials-refused", "signature"] as const) expect(status(code), code).toBe(500);
  });

  it("console http errors - a thrown outage (no answer in time, a lost connection) is unreachable and retryable, anything else failed", () => {
    const timedOut = asSchakelError(new errors.TimeoutError(), "publishing the notice failed");
    expect(timedOut).toMatchObject({ code: "unreachable", retryable: true });
    expect(timedOut.message).toBe("publishing the notice failed: the bus did not answer (timeout); try again in a moment");
    expect(httpStatusOf(timedOut)).toBe(503);
    expect(asSchakelError(new errors.ClosedConnectionError(), "digests")).toMatchObject({ code: "unreachable", retryable: true });
    const other = asSchakelError(new Error("disk full"), "digests");
    expect(other).toMatchObject({ code: "failed", message: "digests: disk full", retryable: false });
    expect(httpStatusOf(other)).toBe(500);
    const known = new SchakelError("schema", "title is required");
    expect(asSchakelError(known, "x")).toBe(known);
  });

  it("console http errors - the body is { error: toData() }", async () => {
    const app = new Hono().get("/x", (c) => errorAnswer(c, new SchakelError("limit", "COORD is full: raise max_msgs", { stream: "COORD" })));
    const res = await app.request("/x");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: "limit", message: "COORD is full: raise max_msgs", retryable: false, details: { stream: "COORD" } } });
  });
});
