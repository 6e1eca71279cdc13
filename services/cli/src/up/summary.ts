/**
 * What `schakel up` prints once everything runs: where the bus, the console, the data and the logs
 * are, which service runs which organisations, what the streams hold, and what to try next.
 * `--json` prints the same as one JSON line, so a script can wait for that line and go on.
 */
import { resolve } from "node:path";
import { STREAMS, type Person, type Registry } from "@schakel/contracts";
import type { LevelServices, RunningConsole } from "@schakel/stack";
import { color } from "../output.ts";
import type { RunningBus } from "./bus.ts";

export interface UpSummary {
  ready: true;
  /** From process start to ready, in ms. */
  readyMs: number;
  /** Where the time went: loading the code, identities, bus (server + provisioning), services, console. */
  phasesMs: Record<string, number>;
  url: string;
  pid: number;
  natsPid: number | null;
  monitorUrl: string | null;
  dataDir: string;
  consoleUrl: string | null;
  /** The process's health server: `<healthUrl>/healthz`, `/readyz`, `/metrics`. */
  healthUrl: string;
  /** The development sign-in (OpenID Provider) the console and `schakel login` use. */
  issuer: string;
  /** A person to sign in as (the first enabled platform coordinator, else the first enabled person). */
  signInAs: { id: string; name: string; organisation: string; roles: string[] } | null;
  /** Why there is no console, when there is none. */
  consoleNote: string | null;
  /** True when the streams already existed: a resumed bus with its earlier data. */
  resumed: boolean;
  streams: { name: string; messages: number }[];
  services: { service: string; orgs: string[] }[];
  /** Organisations no service runs for (they act through the CLI only). */
  withoutService: string[];
  logs: { server: string | null; services: string };
  demo: boolean;
}

/** Gathers what runs where once everything is up. */
export async function summarise(run: {
  bus: RunningBus; services: LevelServices | undefined; console: RunningConsole | { unavailable: string }; registry: Registry;
  dataDir: string; phases: Record<string, number>; demo: boolean; healthUrl: string; issuer: string; persons: readonly Person[];
}): Promise<UpSummary> {
  const { bus, services } = run;
  const streams = await Promise.all(Object.values(STREAMS).map(async ({ name }) => ({ name, messages: await bus.storedMessages(name) })));
  const served = new Set(services?.running.flatMap((r) => r.orgs) ?? []);
  return {
    ready: true, readyMs: Math.round(process.uptime() * 1000), phasesMs: run.phases, url: bus.url, pid: process.pid,
    natsPid: bus.embedded?.pid ?? null, monitorUrl: bus.embedded?.monitorUrl ?? null, dataDir: run.dataDir,
    consoleUrl: "url" in run.console ? run.console.url : null, healthUrl: run.healthUrl, issuer: run.issuer, signInAs: personToSignInAs(run.persons), consoleNote: "unavailable" in run.console ? run.console.unavailable : null,
    resumed: (await bus.provisioned).some((p) => p.kind === "stream" && p.action !== "created"),
    streams, services: services?.running.map((r) => ({ service: r.service, orgs: r.orgs })) ?? [],
    withoutService: run.registry.organisations.map((o) => o.id).filter((o) => !served.has(o)),
    logs: { server: bus.embedded?.paths.logFile ?? null, services: services?.logFile ?? "(no services)" }, demo: run.demo,
  };
}

/** Whom the summary suggests signing in as: the platform's coordinator sees the whole platform. */
export function personToSignInAs(persons: readonly Person[]): UpSummary["signInAs"] {
  const enabled = persons.filter((p) => !p.disabled);
  const p = enabled.find((x) => x.roles.includes("platform-coordinator")) ?? enabled[0];
  return p ? { id: p.id, name: p.name, organisation: p.organisation, roles: [...p.roles] } : null;
}

/** The `--data` part of suggested commands: empty for the default folder. */
export function dataFlag(dataDir: string): string {
  return resolve(".schakel") === dataDir && !process.env.SCHAKEL_DATA ? "" : ` --data ${dataDir}`;
}

/** The summary for people. */
export function renderSummary(s: UpSummary): string {
  const d = dataFlag(s.dataDir);
  const seconds = (s.readyMs / 1000).toFixed(1);
  const label = (t: string) => color.dim(t.padEnd(10));
  const services = s.services.length
    ? s.services.map((x, i) => `${i === 0 ? label("services") : " ".repeat(10)}${color.cyan(x.service.padEnd(8))} ${x.orgs.join(", ")}`)
    : [`${label("services")}${color.yellow("none running")}`];
  const lines = [
    `${color.green(color.bold("Schakel is up"))} — ready in ${seconds} s${s.resumed ? " (resumed with the earlier data)" : ""}`,
    `${label("bus")}${s.url}${s.natsPid ? color.dim(` (nats-server pid ${s.natsPid}${s.monitorUrl ? `, monitoring ${s.monitorUrl}` : ""})`) : color.dim(" (existing server)")}`,
    `${label("console")}${s.consoleUrl ?? color.yellow(`not started: ${s.consoleNote ?? "unavailable"}`)}`,
    `${label("sign in")}${s.signInAs
      ? `as ${color.bold(s.signInAs.id)} ${color.dim(`(${s.signInAs.name}, ${s.signInAs.roles.join(", ")} of ${s.signInAs.organisation})`)}`
      : color.yellow("nobody: the persons file lists no enabled person")}${color.dim(` through ${s.issuer}`)}`,
    `${label("health")}${s.healthUrl}/readyz ${color.dim(`(also /healthz, /metrics)`)}`,
    `${label("data")}${s.dataDir}`,
    `${label("streams")}${s.streams.map((x) => `${x.name} ${color.dim(`(${x.messages})`)}`).join(", ")}`,
    ...services,
    ...(s.withoutService.length ? [`${" ".repeat(10)}${color.dim(`no service (CLI only): ${s.withoutService.join(", ")}`)}`] : []),
    `${label("logs")}${[s.logs.server, s.logs.services].filter(Boolean).join(", ")}`,
    "",
    color.bold("Try:"),
    `  npx schakel feed${d} --as vpr --follow`,
    `  npx schakel notice post${d} --as fed-ocam --to mechelen,vilvoorde --title "Threat level update" --body "Level 2 remains." --ack-by 2m`,
    `  npx schakel notice post${d} --as mechelen --to neighbours,province:antwerpen --category event-warning --title "Demonstration on Saturday" --body "Tension expected near the station." --ack-by 1h`,
    `  npx schakel notice status${d} <notice id>`,
    `  npx schakel notice ack${d} <notice id> --as mechelen --remark "Taken up in the LIVC"`,
    `  npx schakel signal raise${d} --as vilvoorde --kind incident --severity high --title "Graffiti at a place of worship" --description "Far-right symbols; police informed." --escalate`,
    ...(s.signInAs ? [`  npx schakel login${d}  ${color.dim(`# act as yourself, e.g. ${s.signInAs.id}: commands --as ${s.signInAs.organisation} then carry your name (logout: act as the service again)`)}`] : []),
    "",
    color.dim("Ctrl-C stops everything; `npm start` (or `npx schakel up`) again resumes with all data."),
  ];
  return lines.join("\n");
}
