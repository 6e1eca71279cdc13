/**
 * Scenario 7, footprint: resident memory of a process holding one bus connection, idle and under
 * a pipelined publish load, Schakel's client against a plain nats.js client (each in its own
 * child process, the two side by side in each round), plus what `schakel up` and the services
 * cost (services.ts).
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { AUDIENCE, SENDER, type Bed } from "../bed.ts";
import { freezeMessage } from "../payload.ts";
import { makeFigure, type Figure } from "../report/figure.ts";
import { progress } from "../progress.ts";
import { inboxPrefix } from "@schakel/contracts";
import type { ProbeReport, ProbeRequest } from "../footprint/probe.ts";
import { hasUp, serviceFootprint } from "./services.ts";

/** Runs one footprint child to completion and returns its report. */
function runChild(script: string, req: ProbeRequest, timeoutMs: number): Promise<ProbeReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL(`../footprint/${script}`, import.meta.url)), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2_000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    let report: ProbeReport | undefined;
    child.on("message", (m: ProbeReport) => (report = m));
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (report?.error) reject(new Error(`${script}: ${report.error}`));
      else if (report) resolve(report);
      else reject(new Error(`${script} exited (${code ?? "killed"}) without a report: ${stderr.trim().slice(-500)}`));
    });
    child.send(req);
  });
}

export async function footprintScenario(bed: Bed): Promise<Figure[]> {
  const upKnown = hasUp(); // asks the CLI while the client children run
  const { footprintIdleSeconds: idleSeconds, footprintLoadSeconds: loadSeconds, window, rounds } = bed.settings;
  const to = AUDIENCE.footprint;
  const creds = bed.server.identities.organisations.get(SENDER)!;
  const probeBus = await bed.connectAs(SENDER);
  const frozen = freezeMessage(probeBus, bed.notice, to);
  await probeBus.close();
  const base = { url: bed.server.url, seed: creds.seed, inboxPrefix: inboxPrefix(SENDER), idleSeconds, loadSeconds, window };
  const timeout = (idleSeconds + loadSeconds) * 1000 + 60_000;
  const raw = (): Promise<ProbeReport> => runChild("raw-child.ts", { ...base, subject: frozen.subject, bodyBase64: Buffer.from(frozen.body).toString("base64") }, timeout);
  const schakel = (): Promise<ProbeReport> =>
    runChild("schakel-child.ts", { ...base, credentials: creds, directory: bed.server.identities.directory, to, data: bed.notice }, timeout);
  // Memory, not speed: both children run side by side in each round (same conditions, half the time).
  const results: Record<"raw" | "schakel", ProbeReport[]> = { raw: [], schakel: [] };
  const show = (r: ProbeReport): string => `idle ${r.idleRssMB.toFixed(0)} MB, load ${r.loadRssMB.toFixed(0)} MB (${r.published} sent)`;
  const round = async (i: number): Promise<void> => {
    const [a, b] = await Promise.all([raw(), schakel()]);
    results.raw.push(a);
    results.schakel.push(b);
    progress(`footprint round ${i}/${rounds}: raw ${show(a)}, schakel ${show(b)}`);
  };
  // The quick run starts every round's pair at once: RSS barely depends on CPU contention.
  if (bed.settings.quick) await Promise.all(Array.from({ length: rounds }, (_, i) => round(i + 1)));
  else for (let i = 1; i <= rounds; i++) await round(i);
  const pick = (k: "idleRssMB" | "loadRssMB") => Object.fromEntries(Object.entries(results).map(([side, rs]) => [side, rs.map((r) => r[k])]));
  const note = `one bus connection in its own Node process under tsx (the loader counts on both sides); load = pipelined publish, window ${window}; raw and Schakel children run side by side${bed.settings.quick ? ", every round at once in the quick run" : ", one round after the other"}`;
  return [
    makeFigure({
      scenario: 7, id: "client-rss-idle", name: "bus client process RSS, idle", unit: "MB", better: "lower", rounds: pick("idleRssMB"),
      target: { on: "schakel", op: "<=", value: 120, text: "< 120 MB" }, note,
    }),
    makeFigure({ scenario: 7, id: "client-rss-load", name: `bus client process RSS, publish load ${loadSeconds} s`, unit: "MB", better: "lower", rounds: pick("loadRssMB") }),
    ...(await serviceFootprint(bed, upKnown)),
  ];
}
