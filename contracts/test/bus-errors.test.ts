/**
 * Errors of the bus client against a real server, classified by nats.js class and JetStream API
 * code: a full stream is a non-retryable `limit` naming the stream and what to do (it used to be
 * "unreachable" and retried); refused credentials are `credentials-refused`; a server that is not
 * there is a retryable `unreachable`; a lost compare-and-set on a KV bucket is a revision conflict.
 */
import { createCurve, createUser } from "@nats-io/nkeys";
import { describe, expect, it } from "vitest";
import { orgStateBucket, sampleData, SchakelError, STREAMS } from "@schakel/contracts";
import { connectBus, isRevisionConflict, openBucket } from "@schakel/contracts/bus";
import { freePort } from "@schakel/harness";
import { fileBus, storedCount } from "./helpers.ts";

const failure = (p: Promise<unknown>): Promise<SchakelError> =>
  p.then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as SchakelError);

describe("bus - errors from a real server", () => {
  const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen" });

  it("bus - a full stream (discard new) refuses with a non-retryable limit error naming the stream and subject, and nothing is stored", async () => {
    const jsm = await t.s.jsm();
    const { config } = await jsm.streams.info(STREAMS.coord.name);
    await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const held = await storedCount(jsm, STREAMS.coord.name);
    await jsm.streams.update(STREAMS.coord.name, { ...config, max_msgs: held, discard: "new" as never });
    try {
      const error = await failure(t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" }));
      expect(error).toBeInstanceOf(SchakelError);
      expect(error.toData()).toMatchObject({ code: "limit", retryable: false, details: { stream: "COORD", jsCode: 10077 } });
      for (const part of ["COORD", "coord.mechelen.fed-ocam.notice.posted", "notice.posted", "maximum messages exceeded", "raise it in provisioning"]) expect(error.message).toContain(part);
      expect(await storedCount(jsm, STREAMS.coord.name)).toBe(held);
    } finally {
      await jsm.streams.update(STREAMS.coord.name, config);
    }
  });

  it("bus - credentials the server does not know are refused as credentials-refused, not retryable", async () => {
    const stranger = { org: "mechelen", seed: new TextDecoder().decode(createUser().getSeed()), curveSeed: new TextDecoder().decode(createCurve().getSeed()) };
    const error = await failure(connectBus({ servers: t.s.url, credentials: stranger, directory: t.s.directory, reconnect: false }));
    expect(error.toData()).toMatchObject({ code: "credentials-refused", retryable: false, details: { org: "mechelen" } });
    expect(error.message).toContain(`the bus at ${t.s.url} refused the credentials of "mechelen"`);
  });

  it("bus - a server that is not there is unreachable and retryable, naming the URL and the reason", async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const creds = t.s.identities.organisations.get("mechelen")!;
    const error = await failure(connectBus({ servers: url, credentials: creds, directory: t.s.directory, reconnect: false }));
    expect(error.toData()).toMatchObject({ code: "unreachable", retryable: true });
    expect(error.message).toContain(`cannot reach the bus at ${url} (connection refused)`);
  });

  it("bus - a KV create over an existing key is recognised as a revision conflict by its JetStream code", async () => {
    const kv = await openBucket(t.mechelen, orgStateBucket("mechelen"));
    const key = `errors-test.${Date.now()}`;
    const revision = await kv.create(key, new TextEncoder().encode("{}"));
    const lost = await kv.create(key, new TextEncoder().encode("{}")).then(() => undefined, (e: unknown) => e);
    expect(lost).toBeDefined();
    expect(isRevisionConflict(lost)).toBe(true);
    const stale = await kv.update(key, new TextEncoder().encode("{}"), revision + 1_000).then(() => undefined, (e: unknown) => e);
    expect(stale).toBeDefined();
    expect(isRevisionConflict(stale)).toBe(true);
  });
});
