import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { context, trace, TraceFlags } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { SchakelError } from "@schakel/contracts";
import { ensureIdentities, loadRegistry } from "@schakel/infra";
import { createLogger, loadOrgConfig, messageLogger, resolveServers } from "../src/mod.ts";

/** A pino destination that keeps every JSON line. */
function collect(): { lines: Record<string, unknown>[]; raw: string[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n").filter(Boolean)) {
        raw.push(l);
        lines.push(JSON.parse(l));
      }
      done();
    },
  });
  return { lines, raw, stream };
}

describe("runtime - configuration and logs", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "schakel-runtime-"));
    await ensureIdentities(loadRegistry(), dataDir);
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("config - loads an organisation's credentials, key directory and server from the data folder", async () => {
    const cfg = await loadOrgConfig({ org: "mechelen", dataDir, server: "nats://127.0.0.1:1,nats://127.0.0.1:2" });
    expect(cfg.org).toBe("mechelen");
    expect(cfg.credentials.org).toBe("mechelen");
    expect(cfg.credentials.seed).toMatch(/^SU/);
    expect(cfg.directory.require("mechelen").level).toBe("local");
    expect(cfg.servers).toEqual(["nats://127.0.0.1:1", "nats://127.0.0.1:2"]);
  });

  it("config - without --server it takes NATS_URL, then the URL that `schakel up` wrote", async () => {
    expect(resolveServers({ dataDir, env: { NATS_URL: "nats://127.0.0.1:7" } })).toEqual(["nats://127.0.0.1:7"]);
    expect(() => resolveServers({ dataDir, env: {} })).toThrow(/pass --server URL/);
    // Missing configuration is no outage: waiting for the bus would not fix it.
    expect(() => resolveServers({ dataDir, env: {} })).toThrow(expect.objectContaining({ code: "not-found", retryable: false }));
    await writeFile(path.join(dataDir, "connection.json"), JSON.stringify({ port: 4222 }));
    expect(() => resolveServers({ dataDir, env: {} })).toThrow(expect.objectContaining({ code: "schema", retryable: false, message: expect.stringContaining('has no valid "url"') }));
    await writeFile(path.join(dataDir, "connection.json"), JSON.stringify({ url: "nats://127.0.0.1:9", pid: 1 }));
    expect(resolveServers({ dataDir, env: {} })).toEqual(["nats://127.0.0.1:9"]);
  });

  it("config - an unknown organisation is refused with the list of known ones", async () => {
    const err = await loadOrgConfig({ org: "atlantis", dataDir, server: "nats://127.0.0.1:1" }).catch((e) => e);
    expect(err).toBeInstanceOf(SchakelError);
    expect(err.message).toContain('unknown organisation "atlantis"');
    expect(err.message).toContain("mechelen");
  });

  it("logger - JSON lines carry org, service, level as a word and the active span's trace ids", () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const { lines, stream } = collect();
      const log = createLogger({ service: "local", org: "mechelen", level: "info", destination: stream });
      const sc = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: TraceFlags.SAMPLED };
      context.with(trace.setSpanContext(context.active(), sc), () => log.info({ noticeId: "n1" }, "notice received"));
      log.warn("outside any span");
      expect(lines[0]).toMatchObject({ level: "info", service: "local", org: "mechelen", trace_id: sc.traceId, span_id: sc.spanId, noticeId: "n1", msg: "notice received" });
      expect(lines[1]).toMatchObject({ level: "warn", service: "local", org: "mechelen" });
      expect(lines[1]).not.toHaveProperty("trace_id");
    } finally {
      context.disable();
    }
  });

  it("logger - without a tracing SDK a message's log lines carry that message's trace ids", () => {
    const { lines, raw, stream } = collect();
    const log = createLogger({ service: "flemish", org: "vpr", level: "info", destination: stream });
    const envelope = { id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", type: "notice.posted", sender: "fed-ocam", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
    messageLogger(log, envelope).info("seen");
    expect(lines[0]).toMatchObject({ level: "info", org: "vpr", trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", span_id: "00f067aa0ba902b7", message_id: envelope.id, from: "fed-ocam" });
    expect(raw[0]!.match(/"trace_id"/g)).toHaveLength(1);
  });
});
