/**
 * `schakel signal stats`: a picture of polarisation and tension — the signals the platform saw,
 * per month, municipality and province, kind and form of extremism. Metadata only (no
 * descriptions, no case data), read from the platform's records with the platform's identity.
 */
import type { Command } from "commander";
import { platformOf } from "@schakel/organisation";
import { openPlatformStores, signalStats, type SignalStats } from "@schakel/platform";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { parseTime } from "../input/time-input.ts";
import { color, emit } from "../output.ts";

interface StatsOptions extends GlobalOptions { from?: string; to?: string }

/** `2026-11` (that month's start, UTC) or a time with its zone, as every option that takes a time. */
function parseMonthOrTime(option: string, text: string): Date {
  const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(text.trim()) ? new Date(`${text.trim()}-01T00:00:00Z`) : undefined;
  const at = month ?? parseTime(text, option);
  if (!at) throw new CliError(`${option} "${text}" is neither a month (2026-11) nor a time (2026-11-15T00:00:00Z)`, EXIT.usage);
  return at;
}

const table = (title: string, m: Record<string, number>): string =>
  `${color.bold(title)}\n${Object.entries(m).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `  ${k.padEnd(20)} ${String(n).padStart(5)} ${"█".repeat(Math.min(n, 50))}`).join("\n") || "  -"}`;

function render(s: SignalStats): string {
  return [
    `${s.total} signal(s)${s.from ? ` from ${s.from}` : ""}${s.to ? ` until ${s.to}` : ""}`,
    table("per month", s.byMonth), table("per municipality", s.byMunicipality), table("per province", s.byProvince),
    table("per kind", s.byKind), table("per form of extremism", s.byForm),
  ].join("\n");
}

async function stats(opts: StatsOptions): Promise<void> {
  const directory = loadDirectory(opts);
  const range = { ...(opts.from ? { from: parseMonthOrTime("--from", opts.from) } : {}), ...(opts.to ? { to: parseMonthOrTime("--to", opts.to) } : {}) };
  const out = await withBus(platformOf(directory), opts, async (bus) => signalStats(await openPlatformStores(bus), bus.directory, range));
  emit(opts, out, render);
}

export function registerSignalStats(signal: Command): void {
  signal
    .command("stats")
    .description("polarisation and tension per month, municipality, province, kind and form (metadata only)")
    .option("--from <when>", "from this month (2026-11) or time, inclusive")
    .option("--to <when>", "until this month or time, exclusive")
    .option("--json", "print JSON (rows per month, municipality, kind and form, and the totals)")
    .action((_o, cmd: Command) => stats(cmd.optsWithGlobals<StatsOptions>()));
}
