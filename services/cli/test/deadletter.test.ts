/**
 * `schakel deadletter` against a real server: a notice whose envelope time lies 10 minutes before
 * its storage is refused by mechelen's receiver (default tolerance 5 min) as clock-skew; the CLI
 * lists and shows it; a re-drive with the default tolerance still fails and publishes nothing; with
 * SCHAKEL_CLOCK_SKEW=30m (and mechelen's service reconnected with the same setting through the
 * runtime) it is delivered once, written to the re-drive log, and a second re-drive stores nothing
 * (the stream's duplicate window). A forged message is not re-driven; bad input is exit 2. A message
 * that waited in a leaf's OUTBOX and was dead-lettered by an earlier release's receiver (without the
 * OUTBOX allowance) is re-driven with the default tolerance: its copy says where it waited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statSync } from "node:fs";
import { jetstream } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { deadLetterSubject, sampleData, STREAMS } from "@schakel/contracts";
import { CLOCK_SKEW_VARIABLE, DEFAULT_SKEW_MS, HEADERS, type Bus, type ConsumeEvent, type Consumption } from "@schakel/contracts/bus";
import { connectService, createLogger, loadOrgConfig } from "@schakel/runtime";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { readRedrives, redriveLogPath } from "../src/deadletter/redrive-log.ts";
import { runInProcess, type CliResult } from "./support/run-cli.ts";

const TEN_MINUTES_AGO = () => new Date(Date.now() - 10 * 60_000);

describe("schakel deadletter", () => {
  let s: SchakelServer;
  let ocam: Bus;
  /** Mechelen's service after its restart with the larger tolerance. */
  let service: Bus | undefined;
  let consumption: Consumption;
  const handled: string[] = [];
  const events: ConsumeEvent[] = [];
  let g: string[];

  /** Runs the CLI with SCHAKEL_CLOCK_SKEW set to `skew` (or unset) for that command only. */
  async function cli(args: string[], skew?: string): Promise<CliResult> {
    const before = process.env[CLOCK_SKEW_VARIABLE];
    if (skew === undefined) delete process.env[CLOCK_SKEW_VARIABLE];
    else process.env[CLOCK_SKEW_VARIABLE] = skew;
    try {
      return await runInProcess([...g, ...args]);
    } finally {
      if (before === undefined) delete process.env[CLOCK_SKEW_VARIABLE];
      else process.env[CLOCK_SKEW_VARIABLE] = before;
    }
  }

  /** Sends a notice from fed-ocam to mechelen past the bus client (as fed-ocam), `change` applied to its bytes and headers. */
  async function send(mark: string, time: Date, change: (body: string, headers: { delete(k: string): void }) => string = (b) => b) {
    const out = ocam.prepare("notice.posted", { ...sampleData("notice.posted"), title: `Dead letter ${mark}`, recipients: ["mechelen"] }, { to: "mechelen", time });
    const body = change(new TextDecoder().decode(out.body), out.headers);
    await (await s.rawAs("fed-ocam")).request(out.subject, new TextEncoder().encode(body), { headers: out.headers, timeout: 5_000 });
    return out;
  }

  const refusal = (reason: string) => waitFor(() => events.find((e) => e.kind === "rejected" && e.rejection.reason === reason && e.filed), { what: `a ${reason} dead letter` });
  const listed = async (reason: string) => JSON.parse((await cli(["deadletter", "list", "--reason", reason, "--json"])).stdout) as { seq: number; organisation: string; reason: string; detail: string; source: { subject: string } }[];

  beforeAll(async () => {
    s = await startSchakelServer();
    g = ["--data", s.dataDir, "--server", s.url, "--wait", "0"];
    ocam = await s.connectAs("fed-ocam");
    const mechelen = await s.connectAs("mechelen");
    expect(mechelen.skewMs).toBe(DEFAULT_SKEW_MS);
    consumption = mechelen.consume({ handlers: { "notice.posted": (d) => void handled.push(d.data.title) }, onEvent: (e) => void events.push(e) });
  }, 30_000);
  afterAll(async () => {
    await consumption?.stop();
    await service?.close();
    await s?.cleanup();
  });

  it("deadletter - a message refused as clock-skew is listed and shown (envelope metadata, never its data)", async () => {
    // Sent without its message id, as if the stream's duplicate window had passed since it was stored.
    const out = await send("late", TEN_MINUTES_AGO(), (b, h) => (h.delete(HEADERS.msgId), b));
    await refusal("clock-skew");
    const rows = await listed("clock-skew");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ organisation: "mechelen", reason: "clock-skew", source: { subject: out.subject } });
    expect(rows[0]!.detail).toContain("tolerance 300 s");
    const table = await cli(["deadletter", "list", "--org", "mechelen"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${rows[0]!.seq}\\s.*\\smechelen\\s+clock-skew\\s+${out.subject.replace(/\./g, "\\.")}\\s`, "m"));
    const shown = await cli(["deadletter", "show", String(rows[0]!.seq), "--json"]);
    expect(shown.code).toBe(0);
    const view = JSON.parse(shown.stdout) as { envelope: Record<string, unknown>; headers: [string, string][] };
    expect(view.envelope).toMatchObject({ id: out.envelope.id, type: "notice.posted", sender: "fed-ocam", audience: "mechelen" });
    expect(view.headers).toContainEqual([HEADERS.reason, "clock-skew"]);
    expect(shown.stdout).not.toContain("Dead letter late");
    expect((await cli(["deadletter", "list", "--org", "gent", "--json"])).stdout.trim()).toBe("[]");
  });

  it("deadletter - redrive: refused again with the old tolerance; with SCHAKEL_CLOCK_SKEW=30m delivered once and logged; again: a duplicate", async () => {
    const [row] = await listed("clock-skew");
    const still = await cli(["deadletter", "redrive", String(row!.seq)]);
    expect(still.code).toBe(1);
    expect(still.stdout).toMatch(/not re-driven .*clock-skew — .*tolerance 300 s/);
    expect(readRedrives(s.dataDir)).toEqual([]);
    // The receiving service is restarted with the larger tolerance, through the runtime's configuration.
    await consumption.stop();
    const config = await loadOrgConfig({ org: "mechelen", dataDir: s.dataDir, server: s.url, env: { [CLOCK_SKEW_VARIABLE]: "30m" } });
    service = await connectService(config, { service: "deadletter-test", log: createLogger({ service: "deadletter-test", level: "silent" }) });
    expect(service.skewMs).toBe(30 * 60_000);
    consumption = service.consume({ handlers: { "notice.posted": (d) => void handled.push(d.data.title) }, onEvent: (e) => void events.push(e) });

    const done = await cli(["deadletter", "redrive", String(row!.seq), "--json"], "30m");
    expect(done.code, done.stderr).toBe(0);
    const result = JSON.parse(done.stdout) as { person: string; results: { redriven: boolean; stored: { stream: string } }[] };
    expect(result.results).toMatchObject([{ redriven: true, stored: { stream: "COORD" } }]);
    await waitFor(() => events.some((e) => e.kind === "processed" && e.type === "notice.posted"), { what: "the re-driven notice handled" });
    expect(handled.filter((t) => t === "Dead letter late")).toHaveLength(1);
    const log = readRedrives(s.dataDir);
    expect(log).toMatchObject([{ person: "operator", seq: row!.seq, subject: row!.source.subject, reason: "clock-skew", organisation: "mechelen", stream: "COORD" }]);
    expect(statSync(redriveLogPath(s.dataDir)).mode & 0o777).toBe(0o600);

    const again = await cli(["deadletter", "redrive", String(row!.seq)], "30m");
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/not re-driven .*: duplicate — COORD still holds message id/);
    expect(readRedrives(s.dataDir)).toHaveLength(1);
    expect(handled.filter((t) => t === "Dead letter late")).toHaveLength(1);
  });

  it("deadletter - a forged message is not re-driven (exit 1, the reason named) and nothing is logged", async () => {
    await send("forged", new Date(), (b) => b.replace("Dead letter forged", "Dead letter FORGED"));
    await refusal("forged");
    const [row] = await listed("forged");
    const r = await cli(["deadletter", "redrive", String(row!.seq)], "30m");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`not re-driven #${row!.seq} .*: forged — signature of message`));
    expect(readRedrives(s.dataDir)).toHaveLength(1);
  });

  it("deadletter - list pages: --limit cuts the page and stderr names the --after of the next; bad paging values are exit 2", async () => {
    const all = JSON.parse((await cli(["deadletter", "list", "--json"])).stdout) as { seq: number }[];
    expect(all.length).toBeGreaterThanOrEqual(2);
    const first = await cli(["deadletter", "list", "--limit", "1", "--json"]);
    expect(JSON.parse(first.stdout).map((r: { seq: number }) => r.seq)).toEqual([all[0]!.seq]);
    expect(first.stderr).toContain(`--after ${all[0]!.seq}`);
    const rest = await cli(["deadletter", "list", "--after", String(all[0]!.seq), "--json"]);
    expect(JSON.parse(rest.stdout).map((r: { seq: number }) => r.seq)).toEqual(all.slice(1).map((r) => r.seq));
    expect(rest.stderr).not.toContain("--after");
    const bad = await cli(["deadletter", "list", "--limit", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit "0" is not a whole number');
    expect((await cli(["deadletter", "list", "--after", "-3"])).code).toBe(2);
  });

  it("deadletter - bad input is exit 2 naming it: an unknown sequence, a bad SCHAKEL_CLOCK_SKEW (CLI and runtime)", async () => {
    const unknown = await cli(["deadletter", "redrive", "999999"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no dead letter #999999");
    expect((await cli(["deadletter", "show", "abc"])).code).toBe(2);
    const badSkew = await cli(["deadletter", "redrive", "1"], "soon");
    expect(badSkew.code).toBe(2);
    expect(badSkew.stderr).toContain(`${CLOCK_SKEW_VARIABLE} "soon" is not a clock-skew tolerance`);
    const feed = await cli(["feed", "--as", "mechelen"], "0m");
    expect(feed.code).toBe(2);
    expect(feed.stderr).toContain(CLOCK_SKEW_VARIABLE);
    await expect(loadOrgConfig({ org: "mechelen", dataDir: s.dataDir, server: s.url, env: { [CLOCK_SKEW_VARIABLE]: "5 minutes" } })).rejects.toThrow(/SCHAKEL_CLOCK_SKEW "5 minutes"/);
    expect(readRedrives(s.dataDir)).toHaveLength(1);
  });

  it("deadletter - a message that waited in a leaf's OUTBOX, dead-lettered as clock-skew by an earlier release, is re-driven with the default tolerance and delivered once", async () => {
    await consumption.stop();
    // Stored at the hub two hours after it was written, sourced from a leaf's OUTBOX (the header the
    // hub's server sets); without its message id, as if the duplicate window had passed since.
    const out = await send("waited", new Date(Date.now() - 2 * 3_600_000), (b, h) => {
      h.delete(HEADERS.msgId);
      (h as unknown as { set(k: string, v: string): void }).set(HEADERS.streamSource, "OUTBOX:9f3c2a1b 7");
      return b;
    });
    // The earlier release's receiver, without the OUTBOX allowance, filed it as clock-skew (its record
    // names no origin) and terminated it.
    const admin = await s.admin();
    const m = await (await jetstream(admin).consumers.get(STREAMS.coord.name, "mechelen--mechelen")).next({ expires: 5_000 });
    expect(m?.subject).toBe(out.subject);
    const h = natsHeaders();
    for (const [k, v] of [[HEADERS.reason, "clock-skew"], [HEADERS.detail, "7200 s apart, tolerance 300 s"], [HEADERS.sourceStream, STREAMS.coord.name],
      [HEADERS.sourceSeq, String(m!.seq)], [HEADERS.sourceSubject, m!.subject], [HEADERS.consumer, "mechelen--mechelen"], [HEADERS.signature, m!.headers!.get(HEADERS.signature)], [HEADERS.traceparent, m!.headers!.get(HEADERS.traceparent)]]) h.set(k!, v!);
    const filed = await jetstream(admin).publish(deadLetterSubject("mechelen", "clock-skew"), m!.data, { headers: h });
    m!.term();

    const receiver = await s.connectAs("mechelen");
    expect(receiver.skewMs).toBe(DEFAULT_SKEW_MS);
    consumption = receiver.consume({ handlers: { "notice.posted": (d) => void handled.push(d.data.title) }, onEvent: (e) => void events.push(e) });
    const done = await cli(["deadletter", "redrive", String(filed.seq), "--json"]);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(JSON.parse(done.stdout).results).toMatchObject([{ redriven: true, stored: { stream: "COORD" } }]);
    await waitFor(() => handled.includes("Dead letter waited"), { what: "the re-driven notice handled under the default tolerance" });
    const copy = await (await s.jsm()).streams.getMessage(STREAMS.coord.name, { seq: JSON.parse(done.stdout).results[0].stored.seq });
    expect(copy?.header.get(HEADERS.waitedIn)).toBe("OUTBOX");
    expect(handled.filter((t) => t === "Dead letter waited")).toHaveLength(1);
    expect(events.filter((e) => e.kind === "rejected" && e.rejection.reason === "clock-skew")).toHaveLength(1); // only the first test's
  });
});
