/**
 * The error vocabulary and the mapping of nats.js errors onto it, without a server: codes decide
 * `retryable` (overridable per error), errors cross the wire as plain data, and nats.js errors are
 * told apart by class and JetStream API code — a different message text changes nothing.
 */
import { JetStreamApiError } from "@nats-io/jetstream";
import { errors } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, isRetryable, messageSubject, SchakelError, SchemaError } from "@schakel/contracts";
import { connectError, connectionFailure, HandlerRefusal, isRevisionConflict, JS_API_CODES, publishError } from "@schakel/contracts/bus";

const SUBJECT = messageSubject("notice.posted", "mechelen", "fed-ocam");
const apiError = (err_code: number, code: number, description = "some text the server may change") => new JetStreamApiError({ code, err_code, description });

describe("errors - codes and retryable", () => {
  it("errors - retryable follows the code's table entry unless the error overrides it", () => {
    expect(new SchakelError("unreachable", "x").retryable).toBe(true);
    expect(new SchakelError("limit", "x").retryable).toBe(false);
    expect(new SchakelError("failed", "x").retryable).toBe(false);
    expect(new SchakelError("unreachable", "x", {}, { retryable: false }).retryable).toBe(false);
    for (const [code, { retryable }] of Object.entries(ERROR_CODES)) expect(new SchakelError(code as keyof typeof ERROR_CODES, "x").retryable).toBe(retryable);
  });

  it("errors - toData is plain data with code, message, retryable and details", () => {
    const e = new SchakelError("timeout", "no ack", { subject: SUBJECT }, { cause: new Error("inner") });
    expect(e.toData()).toEqual({ code: "timeout", message: "no ack", retryable: true, details: { subject: SUBJECT } });
    expect(JSON.parse(JSON.stringify(e.toData()))).toEqual(e.toData());
    expect(new SchemaError("notice", [{ path: "data.title", rule: "too_small", message: "empty" }]).toData()).toMatchObject({ code: "schema", retryable: false });
  });

  it("errors - a HandlerRefusal is a SchakelError that is never retryable; plain errors are", () => {
    const refusal = new HandlerRefusal("notice 42 names a case that was closed");
    expect(refusal).toBeInstanceOf(SchakelError);
    expect(refusal.toData()).toMatchObject({ code: "refused", retryable: false });
    expect(isRetryable(refusal)).toBe(false);
    expect(isRetryable(new Error("socket hang up"))).toBe(true);
    expect(isRetryable(new SchakelError("conflict", "kept changing"))).toBe(true);
  });
});

describe("errors - publishError maps nats.js errors by class and JetStream code", () => {
  it("errors - a stream limit (10077, 503) is a non-retryable limit naming the stream and the subject and saying what to do", () => {
    const e = publishError(apiError(JS_API_CODES.streamStoreFailed, 503, "maximum messages exceeded"), SUBJECT, "fed-ocam");
    expect(e.code).toBe("limit");
    expect(e.retryable).toBe(false);
    for (const part of ["COORD", SUBJECT, "notice.posted", "maximum messages exceeded", "raise it in provisioning"]) expect(e.message).toContain(part);
    expect(e.details).toMatchObject({ subject: SUBJECT, stream: "COORD", jsCode: 10077 });
    expect(e.cause).toBeInstanceOf(JetStreamApiError);
  });

  it("errors - full storage (10023, 503 from a used-up max_file_store) says so: not stored, publish again with the same id, what the operator does", () => {
    const e = publishError(apiError(JS_API_CODES.insufficientResources, 503, "insufficient resources"), SUBJECT, "fed-ocam");
    // A 503 that is not an outage: a retry loop would only fill the log until an operator acts.
    expect([e.code, e.retryable]).toEqual(["limit", false]);
    for (const part of [
      "COORD could not store notice.posted on " + SUBJECT, "the server's JetStream storage is full", "max_file_store", "the disk",
      "insufficient resources (JetStream error 10023)", "NOT stored", "nothing acknowledged before is lost", "same id",
      "free disk space", "lower the streams' retention",
    ]) expect(e.message).toContain(part);
    // The advice for a stream's own limits would be wrong here.
    expect(e.message).not.toContain("max_msgs");
    expect(e.message).not.toContain("raise it in provisioning");
    expect(e.details).toMatchObject({ subject: SUBJECT, stream: "COORD", jsCode: 10023, status: 503, reason: "storage-full" });
    expect(e.cause).toBeInstanceOf(JetStreamApiError);
  });

  it("errors - the other storage codes: 10047 is the server's storage, 10002 the account's max_file; 10077 keeps the stream-limit advice", () => {
    const server = publishError(apiError(JS_API_CODES.storageResourcesExceeded, 500, "insufficient storage resources available"), SUBJECT, "fed-ocam");
    expect([server.code, server.details["reason"]]).toEqual(["limit", "storage-full"]);
    expect(server.message).toContain("the server's JetStream storage is full");
    const account = publishError(apiError(JS_API_CODES.accountResourcesExceeded, 400, "resource limits exceeded for account"), SUBJECT, "fed-ocam");
    expect([account.code, account.details["reason"]]).toEqual(["limit", "storage-full"]);
    for (const part of ["the account's JetStream storage is full", "raise the account's max_file", "NOT stored", SUBJECT]) expect(account.message).toContain(part);
    const stream = publishError(apiError(JS_API_CODES.streamStoreFailed, 503, "maximum messages exceeded"), SUBJECT, "fed-ocam");
    expect(stream.details["reason"]).toBeUndefined();
    expect(stream.message).not.toContain("storage is full");
  });

  it("errors - the code decides, not the text: the same limit in other words maps the same way", () => {
    expect(publishError(apiError(JS_API_CODES.accountResourcesExceeded, 400, "whatever"), SUBJECT, "fed-ocam").code).toBe("limit");
    expect(publishError(apiError(JS_API_CODES.messageExceedsMaximum, 400, "whatever"), SUBJECT, "fed-ocam").code).toBe("payload-too-large");
    // Text that used to be matched ("timeout", "connection") no longer decides anything.
    expect(publishError(apiError(99_999, 400, "connection timeout maximum payload"), SUBJECT, "fed-ocam").code).toBe("failed");
  });

  it("errors - outages are retryable: timeout, no responders, a closed or lost connection, a 503 from JetStream", () => {
    const cases: [unknown, string][] = [
      [new errors.TimeoutError(), "timeout"],
      [new errors.NoRespondersError(SUBJECT), "unreachable"],
      [new errors.RequestError("request failed", { cause: new errors.NoRespondersError(SUBJECT) }), "unreachable"],
      [new errors.ClosedConnectionError(), "unreachable"],
      [new errors.ConnectionError("connection refused"), "unreachable"],
      [apiError(10008, 503, "JetStream system temporarily unavailable"), "unreachable"],
    ];
    for (const [err, code] of cases) {
      const e = publishError(err, SUBJECT, "fed-ocam");
      expect([e.code, e.retryable], String(err)).toEqual([code, true]);
    }
  });

  it("errors - a permission violation is not-allowed; an unknown error is failed with its original text, not unreachable", () => {
    const denied = publishError(new errors.PermissionViolationError("Permissions Violation for Publish", "publish", SUBJECT), SUBJECT, "gent");
    expect([denied.code, denied.retryable]).toEqual(["not-allowed", false]);
    expect(denied.message).toContain('"gent"');
    const unknown = publishError(new Error("the disk caught fire"), SUBJECT, "fed-ocam");
    expect([unknown.code, unknown.retryable]).toEqual(["failed", false]);
    expect(unknown.message).toContain("the disk caught fire");
    expect(unknown.message).toContain(SUBJECT);
  });

  it("errors - a SchakelError passes unchanged", () => {
    const own = new SchakelError("payload-too-large", "too big");
    expect(publishError(own, SUBJECT, "fed-ocam")).toBe(own);
  });
});

describe("errors - connections and compare-and-set", () => {
  it("errors - connectError: an authorization error is credentials-refused, a refused socket unreachable, the rest failed", () => {
    const servers = ["nats://127.0.0.1:4999"];
    const refused = connectError(new errors.AuthorizationError("Authorization Violation"), servers, "mechelen");
    expect([refused.code, refused.retryable]).toEqual(["credentials-refused", false]);
    expect(refused.message).toContain('refused the credentials of "mechelen"');
    const down = connectError(new errors.ConnectionError("connection refused"), servers, "mechelen");
    expect([down.code, down.retryable]).toEqual(["unreachable", true]);
    expect(down.message).toContain("nats://127.0.0.1:4999 (connection refused)");
    expect(connectError(new Error("bad url"), servers, "mechelen").code).toBe("failed");
  });

  it("errors - connectionFailure looks through causes, by class", () => {
    const wrapped = new SchakelError("unreachable", "cannot reach the bus", {}, { cause: new errors.ConnectionError("connection refused") });
    expect(connectionFailure(wrapped)).toEqual({ kind: "unreachable", reason: "connection refused" });
    expect(connectionFailure(new SchakelError("unreachable", "x", {}, { cause: new errors.AuthorizationError("Authorization Violation") }))).toEqual({ kind: "credentials-refused" });
    expect(connectionFailure(new Error("ECONNREFUSED connection refused"))).toBeUndefined();
    expect(connectionFailure(new SchakelError("limit", "full"))).toBeUndefined();
  });

  it("errors - isRevisionConflict recognises JetStream code 10071 (or 10164), whatever the text", () => {
    expect(isRevisionConflict(apiError(10071, 400, "wrong last sequence: 7"))).toBe(true);
    expect(isRevisionConflict(apiError(10071, 400, "different words"))).toBe(true);
    expect(isRevisionConflict(apiError(10164, 400, "wrong last sequence"))).toBe(true);
    expect(isRevisionConflict(new Error("wrong last sequence: 7"))).toBe(false);
    expect(isRevisionConflict(apiError(10077, 503, "wrong last sequence"))).toBe(false);
  });
});
