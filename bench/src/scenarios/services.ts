/**
 * The part of scenario 7 that needs `schakel up`: time to ready (against starting a bare
 * nats-server, the floor of any bus on this machine), the RSS of the process that runs every
 * level service and the console (`up` runs them in one process, each organisation on its own
 * connection), idle and while a Schakel publisher loads the bus, and the RSS of one
 * organisation's own service process (`schakel run --org`), idle. Every process runs the
 * production start (footprint/production.ts): the bundled command on plain Node.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { connectBus, KeyDirectory, readCredentials } from "@schakel/contracts/bus";
import { startServer } from "@schakel/harness";
import { credentialsPath, directoryPath } from "@schakel/infra";
import { AUDIENCE, SENDER, type Bed } from "../bed.ts";
import { rssOf, sampleRss } from "../footprint/rss.ts";
import { productionNodeFlags } from "../footprint/production.ts";
import { startOrganisation } from "../footprint/run-process.ts";
import { startUp } from "../footprint/up-process.ts";
import { makeFigure, unavailable, type Figure } from "../report/figure.ts";
import { alternate, type Side } from "../rounds.ts";
import { median } from "../stats.ts";

const CLI = fileURLToPath(new URL("../../../services/cli/bin/schakel.mjs", import.meta.url));

/** Whether the CLI lists `up` among its commands (in `schakel --help`). */
export function hasUp(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, "--help"], { encoding: "utf8", timeout: 30_000 }, (_err, stdout) => {
      const commands = String(stdout).split(/\nCommands:\n/)[1] ?? "";
      resolve(/^ {2}up\b/m.test(commands));
    });
  });
}

/** The organisation whose own service process is measured: a municipality (the local service). */
const OWN_ORGANISATION = "mechelen";

interface UpSample {
  readyS: number;
  /** Where `up` says its time went (load, identities, bus, services, console), ms. */
  phases: Record<string, number>;
  idleMB: number;
  loadMB: number;
  natsIdleMB: number;
  published: number;
  detail: string;
  /** RSS of `schakel run --org OWN_ORGANISATION` after `idleSeconds`, against a bus without services. */
  orgIdleMB: number;
}

/** One organisation's own process: `up --no-services --no-console` for the bus, then `run --org`. */
async function measureOrganisation(idleSeconds: number): Promise<number> {
  const up = await startUp(60_000, ["--no-services", "--no-console"]);
  try {
    const run = await startOrganisation(up.dataDir, OWN_ORGANISATION);
    try {
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      return rssOf(run.pid) ?? NaN;
    } finally {
      await run.stop();
    }
  } finally {
    await up.stop();
  }
}

/** One `up`: ready time, RSS after `idleSeconds`, peak RSS under `loadSeconds` of publishing; then one organisation's own process. */
async function measureUp(bed: Bed): Promise<UpSample> {
  const sample = await measureWholeUp(bed);
  return { ...sample, orgIdleMB: await measureOrganisation(Math.max(3, bed.settings.footprintIdleSeconds)) };
}

async function measureWholeUp(bed: Bed): Promise<Omit<UpSample, "orgIdleMB">> {
  const { footprintIdleSeconds: idle, footprintLoadSeconds: load, window } = bed.settings;
  const up = await startUp();
  try {
    await new Promise((r) => setTimeout(r, idle * 1000));
    const idleMB = rssOf(up.pid) ?? NaN;
    const natsIdleMB = up.natsPid ? rssOf(up.natsPid) ?? NaN : NaN;
    const bus = await connectBus({ servers: up.url, credentials: await readCredentials(credentialsPath(up.dataDir, SENDER)), directory: KeyDirectory.fromFile(directoryPath(up.dataDir)) });
    const sampler = sampleRss(up.pid);
    const until = performance.now() + load * 1000;
    let published = 0;
    const inFlight = new Set<Promise<unknown>>();
    while (performance.now() < until) {
      const p = bus.publish("notice.posted", bed.notice, { to: AUDIENCE.consume }).then(() => void published++);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= window) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const loadMB = sampler.stop();
    await bus.close();
    const detail = `${up.services.map((s) => s.service).join(", ") || "no services"}${up.consoleUrl ? " + console" : ", no console"}`;
    return { readyS: up.readyMs / 1000, phases: up.phasesMs, idleMB, loadMB, natsIdleMB, published, detail };
  } finally {
    await up.stop();
  }
}

export async function serviceFootprint(bed: Bed, upKnown: Promise<boolean> = hasUp()): Promise<Figure[]> {
  const ready = { scenario: 7, id: "up-ready", name: "schakel up: time to ready", unit: "s", better: "lower" as const, target: { on: "schakel" as const, op: "<=" as const, value: 5, text: "< 5 s" } };
  const idle = { scenario: 7, id: "services-rss-idle", name: "services process RSS, idle", unit: "MB", better: "lower" as const, target: { on: "schakel" as const, op: "<=" as const, value: 120, text: "<= 120 MB" } };
  const busy = {
    scenario: 7, id: "services-rss-load", name: `services process RSS, publish load ${bed.settings.footprintLoadSeconds} s`, unit: "MB", better: "lower" as const,
    target: { on: "schakel" as const, op: "<=" as const, value: 160, text: "<= 160 MB" },
  };
  const own = {
    scenario: 7, id: "organisation-rss-idle", name: `one organisation's own process RSS, idle (run --org ${OWN_ORGANISATION})`, unit: "MB", better: "lower" as const,
    target: { on: "schakel" as const, op: "<=" as const, value: 80, text: "<= 80 MB" },
  };
  if (!(await upKnown)) {
    const reason = "`schakel up` is not registered in services/cli yet";
    return [unavailable({ ...ready, reason }), unavailable({ ...idle, reason }), unavailable({ ...own, reason })];
  }
  let detail = "";
  const sides: Side<UpSample | number>[] = [
    {
      name: "raw",
      async run() {
        const t0 = performance.now();
        const server = await startServer();
        const s = (performance.now() - t0) / 1000;
        await server.cleanup();
        return s;
      },
    },
    {
      name: "schakel",
      warmup: async () => undefined,
      async run() {
        const s = await measureUp(bed);
        detail = s.detail;
        return s;
      },
    },
  ];
  const r = await alternate("schakel up", sides, bed.settings.rounds, (x) => (typeof x === "number" ? `${x.toFixed(2)} s` : `ready ${x.readyS.toFixed(2)} s, idle ${x.idleMB.toFixed(0)} MB, load ${x.loadMB.toFixed(0)} MB (${x.published} sent), nats-server ${x.natsIdleMB.toFixed(0)} MB; run --org ${OWN_ORGANISATION} ${x.orgIdleMB.toFixed(0)} MB`));
  const production = `production start: node ${productionNodeFlags().join(" ")} on the bundle of infra/scripts/build-production.mjs (no tsx)`;
  const ups = r.schakel as UpSample[];
  const phaseNames = Object.keys(ups[0]?.phases ?? {});
  const phases = phaseNames.map((p) => `${p} ${(median(ups.map((u) => u.phases[p] ?? 0)) / 1000).toFixed(1)} s`).join(", ");
  return [
    makeFigure({ ...ready, rounds: { raw: r.raw as number[], schakel: ups.map((u) => u.readyS) }, note: `raw = starting a bare nats-server (harness: spawn until it answers INFO); schakel up = spawn until its --json summary line (fresh data folder), by its own account: ${phases}` }),
    makeFigure({ ...idle, rounds: { schakel: ups.map((u) => u.idleMB) }, note: `one process runs every level service, the auditor, the development sign-in and the console (${detail}); ${production}; its nats-server: ${ups.map((u) => u.natsIdleMB.toFixed(0)).join(", ")} MB idle` }),
    makeFigure({ ...busy, rounds: { schakel: ups.map((u) => u.loadMB) } }),
    makeFigure({ ...own, rounds: { schakel: ups.map((u) => u.orgIdleMB) }, note: `schakel run --org ${OWN_ORGANISATION} (its services only, services/stack startOrganisationServices) against a bus started with up --no-services --no-console; ${production}` }),
  ];
}
