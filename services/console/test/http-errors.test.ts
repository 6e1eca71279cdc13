/**
 * The console's HTTP answer for an error, from its code in one place: 400 bad input, 403 not
 * allowed, 404 not found, 413 too large, 503 for a bus that is away (or anything retryable), 500
 * for the rest; the body is the error as plain data.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { SchakelError, type ErrorCode } from "@schakel/contracts";
import { errorAnswer, httpStatusOf } from "../src/http/errors.ts";

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

  it("console http errors - the body is { error: toData() }", async () => {
    const app = new Hono().get("/x", (c) => errorAnswer(c, new SchakelError("limit", "COORD is full: raise max_msgs", { stream: "COORD" })));
    const res = await app.request("/x");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: "limit", message: "COORD is full: raise max_msgs", retryable: false, details: { stream: "COORD" } } });
  });
});
