/**
 * The machine a run was measured on, printed with the table and stored in the JSON: figures from
 * different machines (or from one machine under different load) are not comparable, ratios are.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { findNatsServerBinary } from "@schakel/infra";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  natsServer: string;
  natsJs: string;
  /** 1-minute load average at the start and the end of the run (other jobs on shared cores). */
  loadStart: number;
  loadEnd?: number;
}

function osName(): string {
  try {
    const line = readFileSync("/etc/os-release", "utf8").split("\n").find((l) => l.startsWith("PRETTY_NAME="));
    if (line) return line.slice(13).replace(/"/g, "");
  } catch {
    // not Linux, or no os-release: fall through to the kernel name
  }
  return `${os.type()} ${os.release()}`;
}

function natsServerVersion(): string {
  try {
    return execFileSync(findNatsServerBinary(), ["--version"], { encoding: "utf8" }).trim().replace(/^nats-server:\s*/, "");
  } catch {
    return "unknown";
  }
}

function natsJsVersion(): string {
  try {
    // The package exports no ./package.json; it sits one folder above the resolved entry (lib/mod.js).
    const url = new URL("../package.json", import.meta.resolve("@nats-io/jetstream"));
    return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: osName(),
    node: process.version,
    natsServer: natsServerVersion(),
    natsJs: natsJsVersion(),
    loadStart: Number(os.loadavg()[0]!.toFixed(2)),
  };
}

/** One line for the table's header. */
export function machineLine(m: Machine): string {
  const load = m.loadEnd === undefined ? `${m.loadStart}` : `${m.loadStart} → ${m.loadEnd}`;
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}; Node ${m.node}, nats-server ${m.natsServer}, nats.js ${m.natsJs}; load ${load}`;
}
