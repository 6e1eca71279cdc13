import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./support/otlp-receiver.ts";

// Real processes, started by path: the level service's own entry point and the `schakel` binary.
const LOCAL_MAIN = fileURLToPath(new URL("../../local/src/main.ts", import.meta.url));
const CLI_BIN = fileURLToPath(new URL("../../cli/bin/schakel.mjs", import.meta.url));
const PRODUCER = 4;
const CONSUMER = 5;

/** A child process whose stdout is read as JSON log lines. */
function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; lines: Record<string, unknown>[]; stdout: () => string; output: () => string; exited: Promise<number | null> } {
  const { NATS_URL: _ignored, ...base } = process.env;
  const child = spawn(process.execPath, args, { env: { ...base, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: Record<string, unknown>[] = [];
  let out = "";
  let err = "";
  let partial = "";
  child.stdout!.on("data", (b) => {
    out += String(b);
    const parts = (partial + String(b)).split("\n");
    partial = parts.pop()!;
    for (const l of parts.filter(Boolean)) {
      try {
        lines.push(JSON.parse(l));
      } catch {
        // not a log line (the CLI's --json result is read from `output`)
      }
    }
  });
  child.stderr!.on("data", (b) => (err += String(b)));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, lines, stdout: () => out, output: () => `${out}\n${err}`, exited };
}

describe("runtime - OTLP export of traces across processes", () => {
  let s: SchakelServer;
  let receiver: OtlpReceiver;
  let service: ReturnType<typeof start> | undefined;

  beforeAll(async () => {
    [s, receiver] = await Promise.all([startSchakelServer(), startOtlpReceiver()]);
  });
  afterAll(async () => {
    if (service?.child.exitCode === null) service.child.kill("SIGKILL");
    await receiver?.close();
    await s?.cleanup();
  });

  it("otlp - a notice posted by the CLI and processed by a service is one trace, with telemetry.sdk.* and the current messaging attributes", async () => {
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "100" };
    service = start(["--import", "tsx", LOCAL_MAIN, "--org", "mechelen", "--data", s.dataDir, "--server", s.url], { ...otel, SCHAKEL_LOG_LEVEL: "info" });
    const ready = await waitFor(() => service!.lines.find((l) => l.msg === "ready"), { timeoutMs: 30_000, what: `the service's "ready" line (${service.output()})` });
    // The ready line names the process's health server; it turns ready once mechelen's consumers are bound.
    expect(ready.health).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/readyz$/);
    await waitFor(async () => (await fetch(String(ready.health))).status === 200, { what: "the service's /readyz to answer 200" });

    const cli = start([CLI_BIN, "notice", "post", "--data", s.dataDir, "--server", s.url, "--as", "fed-ocam", "--to", "mechelen",
      "--title", "Threat level unchanged", "--body", "No change for public events.", "--json"], otel);
    expect(await cli.exited, cli.output()).toBe(0);
    const posted = JSON.parse(cli.stdout()) as { traceId: string; copies: { id: string }[] };
    const messageId = posted.copies[0]!.id;

    const of = (kind: number, service: string) => (sp: ReceivedSpan) => sp.kind === kind && sp.resource["service.name"] === service && sp.attributes["messaging.message.id"] === messageId;
    // The CLI flushed its batch before exiting; the service exports within its batch delay.
    const producer = await waitFor(() => receiver.spans.find(of(PRODUCER, "schakel-cli")), { what: `the CLI's publish span (refused: ${receiver.refused.join("; ")})` });
    const consumer = await waitFor(() => receiver.spans.find(of(CONSUMER, "schakel-local")), { what: "the service's process span" });

    // One trace: the process span is the publish span's child, and links to it.
    expect(producer.traceId).toBe(posted.traceId);
    expect(consumer.traceId).toBe(producer.traceId);
    expect(consumer.parentSpanId).toBe(producer.spanId);
    expect(consumer.links).toContainEqual({ traceId: producer.traceId, spanId: producer.spanId });

    for (const sp of [producer, consumer]) {
      // The SDK's default resource is merged, not replaced.
      expect(sp.resource).toMatchObject({ "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.language": "nodejs", "telemetry.sdk.version": expect.any(String) });
      // Current messaging conventions: messaging.system.name, not the deprecated messaging.system.
      expect(sp.attributes).toMatchObject({ "messaging.system.name": "nats", "messaging.destination.name": expect.stringMatching(/^coord\.mechelen\.fed-ocam\.notice\.posted$/), "messaging.message.body.size": expect.any(Number) });
      expect(sp.attributes).not.toHaveProperty("messaging.system");
    }
    expect(producer).toMatchObject({ name: "publish coord.{audience}.{sender}.notice.posted", attributes: { "messaging.operation.type": "send", "messaging.operation.name": "publish" } });
    expect(consumer).toMatchObject({ name: "process coord.{audience}.{sender}.notice.posted", attributes: { "messaging.operation.type": "process", "messaging.consumer.group.name": "mechelen--mechelen" } });
    expect(consumer.resource).toMatchObject({ "service.name": "schakel-local", "schakel.organisation": "mechelen", "schakel.level": "local" });

    service.child.kill("SIGTERM");
    expect(await service.exited).toBe(0);
  });
});
