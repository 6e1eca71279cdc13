/**
 * The metrics of a running stack, checked by the real tools: `schakel up` runs, a notice is
 * posted and acknowledged, another one is left to be escalated and one message is dead-lettered; the health server's `/metrics` passes
 * `promtool check metrics`; a real Prometheus (its own port, TSDB in a temp folder, the generated
 * scrape config with a 1 s interval and the committed alert rules) scrapes the stack, answers
 * queries through its HTTP API and fires the dead-letter alert. No Prometheus installed is a
 * failure that says how to install it, never a skip.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageSubject } from "@schakel/contracts";
import { promtool, startPrometheus, type PrometheusServer, type Sample } from "@schakel/harness";
import { credentialsPath, PROMETHEUS_DIR } from "@schakel/infra";
import { eventually, schakelJson, startRunningBus, stopRunningBus, type RunningBus } from "../src/mod.ts";

/** The exposition's value of the first series whose line matches every fragment (undefined when none). */
function valueOf(exposition: string, name: string, fragments: string[]): number | undefined {
  const line = exposition.split("\n").find((l) => l.startsWith(`${name}{`) && fragments.every((f) => l.includes(f)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

const one = (samples: Sample[]): number | undefined => (samples.length === 1 ? samples[0]!.value : undefined);

describe("e2e metrics", () => {
  let bus: RunningBus;
  let prometheus: PrometheusServer | undefined;
  let exposition = "";

  beforeAll(async () => {
    bus = await startRunningBus("metrics", ["--no-console"]);
  });
  afterAll(async () => {
    await prometheus?.cleanup();
    await stopRunningBus(bus ?? {});
  });

  it("metrics - after a notice, its acknowledgement and one dead letter, /metrics passes promtool check metrics", async () => {
    const { dataDir, up } = bus;
    const posted = await schakelJson<{ noticeId: string }>([
      "notice", "post", "--data", dataDir, "--as", "fed-ocam", "--to", "mechelen", "--category", "threat-assessment",
      "--title", "Metrics check", "--body", "One notice to count.", "--ack-by", "1h",
    ]);
    await schakelJson(["notice", "ack", posted.noticeId, "--data", dataDir, "--as", "mechelen", "--json"]);
    // A notice nobody acknowledges: overdue after 5 s, then escalated by the platform.
    await schakelJson([
      "notice", "post", "--data", dataDir, "--as", "fed-ocam", "--to", "vilvoorde", "--category", "threat-assessment",
      "--title", "Left unacknowledged", "--body", "Escalated after its deadline.", "--ack-by", "5s",
    ]);
    // One message no receiver can read: bytes that are not JSON, sent with fed-ocam's own credentials.
    const creds = JSON.parse(readFileSync(credentialsPath(dataDir, "fed-ocam"), "utf8")) as { seed: string };
    const nc = await connect({ servers: up.summary.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(creds.seed)) });
    nc.publish(messageSubject("notice.posted", "mechelen", "fed-ocam"), new TextEncoder().encode("not json"));
    await nc.drain();

    const metricsUrl = `${up.summary.healthUrl}/metrics`;
    exposition = await eventually("mechelen's dead letter and acknowledgement in /metrics", async () => {
      const text = await (await fetch(metricsUrl)).text();
      const deadLetter = valueOf(text, "schakel_messages_dead_lettered_total", ['schakel_organisation="mechelen"', 'schakel_reason="malformed-json"']);
      const ackProcessed = valueOf(text, "messaging_client_consumed_messages_total", ['schakel_organisation="fed-ocam"', 'schakel_message_type="notice.acknowledged"', 'schakel_outcome="processed"']);
      return deadLetter === 1 && ackProcessed !== undefined && ackProcessed >= 1 ? text : undefined;
    }, 30_000);
    // The notice and the acknowledgement were sent by CLI processes; the service sent Mechelen's delivery receipt.
    expect(valueOf(exposition, "messaging_client_sent_messages_total", ['schakel_organisation="mechelen"', 'schakel_message_type="notice.delivered"'])).toBe(1);
    expect(valueOf(exposition, "messaging_client_consumed_messages_total", ['schakel_organisation="mechelen"', 'schakel_message_type="notice.posted"', 'schakel_outcome="processed"'])).toBe(1);
    expect(valueOf(exposition, "schakel_organisation_connected", ['schakel_organisation="mechelen"'])).toBe(1);
    expect(exposition).toMatch(/^messaging_process_duration_bucket\{.*schakel_message_type="notice\.posted"/m);
    expect(exposition).toMatch(/^schakel_consumer_pending\{.*messaging_consumer_group_name="mechelen--mechelen"/m);
    expect(exposition).toMatch(/^schakel_audit_chain_length\{/m);
    const check = promtool(["check", "metrics"], exposition);
    expect(check.code, `promtool check metrics:\n${check.output}`).toBe(0);
  });

  it("metrics - a real Prometheus scrapes the stack, answers queries and fires the dead-letter alert", async () => {
    expect(exposition, "the first test produced the exposition").not.toBe("");
    const target = new URL(bus.up.summary.healthUrl).host;
    prometheus = await startPrometheus({ targets: [target], interval: "1s", ruleFiles: [join(PROMETHEUS_DIR, "alerts.yml")] });
    const p = prometheus;
    const query = (expr: string) => eventually(`${expr} in Prometheus`, async () => one(await p.query(expr)), 20_000, 250).catch((err: Error) => {
      throw new Error(`${err.message}\nprometheus log:\n${p.output()}`);
    });
    expect(await query(`up{job="schakel"}`)).toBe(1);
    expect(await query(`sum by (schakel_message_type) (messaging_client_sent_messages_total{schakel_message_type="notice.delivered"})`)).toBeGreaterThan(0);
    expect(await query(`sum(schakel_messages_dead_lettered_total{schakel_organisation="mechelen", schakel_reason="malformed-json"})`)).toBe(1);
    expect(await query(`schakel_organisation_connected{schakel_organisation="mechelen"}`)).toBe(1);
    expect(await query(`sum(schakel_escalations_raised_total{schakel_organisation="vilvoorde", schakel_obligation_kind="acknowledgement"})`)).toBe(1);
    expect(await query(`sum(schakel_obligations_overdue{schakel_organisation="vilvoorde", schakel_escalated="true"})`)).toBe(1);
    expect(await query(`count(ALERTS{alertname="SchakelDeadLettersRising", alertstate="firing", schakel_organisation="mechelen", schakel_reason="malformed-json"})`)).toBe(1);
  });
});
