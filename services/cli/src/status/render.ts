/**
 * The status screen for people, within 100 columns: a header, one row per organisation (worst
 * first; at most `limit` rows unless `--all`, then a count of the rest), the streams, the auditor,
 * and one last line saying healthy, or why the bus is degraded. Colours come from the output
 * helpers (none with NO_COLOR or off a terminal); reasons another process gave go through
 * `safeText`.
 */
import { color, readableTime } from "../output.ts";
import { safeText } from "../safe-text.ts";
import { shortDuration, type OrgStatus, type StatusReport } from "./judge.ts";

/** Organisation rows shown without `--all`. */
export const DEFAULT_ROWS = 20;

/** `4s`, `12m`, `3h`, `2d` ago; `—` when unknown. */
export function age(iso: string | null, now: number): string {
  if (!iso) return "—";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7_200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3_600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

function size(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) (v /= 1000), i++;
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

const count = (n: number): string => n.toLocaleString("en-US");

function table(header: string[], rows: string[][], paint: ((line: string) => string)[] = []): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [color.dim(line(header)), ...rows.map((r, i) => (paint[i] ?? ((t: string) => t))(line(r)))];
}

const connectedText = (o: OrgStatus): string => (o.connected === null ? (o.reason ? "CLI" : "?") : o.connected ? "yes" : "NO");
const clip = (text: string, width: number): string => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

function orgRows(r: StatusReport, now: number, all: boolean): string[] {
  const shown = all ? r.organisations : r.organisations.slice(0, DEFAULT_ROWS);
  const window = shortDuration(r.window.ms);
  const rows = shown.map((o) => [
    clip(o.org, 16), o.level, connectedText(o), count(o.pending + o.unacknowledged), age(o.lastMessageAt, now),
    String(o.overdueObligations), String(o.deadLetters), clip(safeText(o.problems.join("; ")), 24),
  ]);
  const paint = shown.map((o) => (o.health === "ok" ? (t: string) => t : o.connected === false || o.overdueObligations ? color.red : color.yellow));
  const lines = table(["ORGANISATION", "LEVEL", "CONN", "BEHIND", "LAST MSG", "OVERDUE", `DEAD/${window}`, "PROBLEMS"], rows, paint);
  const rest = r.organisations.length - shown.length;
  if (rest > 0) {
    const restBad = r.organisations.slice(shown.length).filter((o) => o.health !== "ok").length;
    lines.push(color.dim(`… ${count(rest)} more organisations${restBad ? ` (${restBad} degraded)` : ", all ok"}; --all lists them, --json gives every one`));
  }
  return lines;
}

function streamRows(r: StatusReport, now: number): string[] {
  return table(["STREAM", "MESSAGES", "BYTES", "FIRST", "LAST", "CONSUMERS"], r.streams.map((s) => [
    s.name, count(s.messages), size(s.bytes), age(s.firstAt, now), age(s.lastAt, now), String(s.consumers),
  ]));
}

function auditorLine(r: StatusReport, now: number): string {
  const a = r.auditor;
  const per = a.streams.map((s) => `${s.stream} ${s.present ? `${count(s.position)}/${count(s.lastSeq)}` : "not started"}`).join(" · ");
  const cp = a.checkpoint ? `checkpoint #${count(a.checkpoint.index)} ${age(a.checkpoint.at, now)} ago` : "no checkpoint yet";
  const conn = a.connected === null ? "" : a.connected ? "" : color.red(" · not connected");
  return `${color.bold("auditor")}  ${per} · ${cp}${conn}`;
}

function sourcesLine(r: StatusReport): string | undefined {
  const notes: string[] = [];
  if (r.sources.readyz.state === "unavailable") notes.push(`readiness ${r.sources.readyz.url} did not answer (${r.sources.readyz.reason})`);
  if (r.sources.connz.state === "unavailable") notes.push(`monitoring ${r.sources.connz.url} did not answer (${r.sources.connz.reason})`);
  if (r.summary.withoutService) notes.push(`${r.summary.withoutService} organisation(s) run by no service here, CLI only`);
  if (r.summary.unknown) notes.push(`connections of ${r.summary.unknown} organisations unknown (no monitoring or readiness endpoint)`);
  if (r.window.truncated.length) notes.push(`only the newest messages of ${r.window.truncated.join(", ")} in the window were read`);
  return notes.length ? color.dim(`note: ${notes.join("; ")}`) : undefined;
}

/** The whole screen. `all`: every organisation, not only the worst. */
export function renderStatus(r: StatusReport, opts: { all?: boolean } = {}): string {
  const now = Date.parse(r.at);
  const s = r.summary;
  const state = r.health === "healthy" ? color.green("HEALTHY") : color.red("DEGRADED");
  const lines = [
    `${color.bold("schakel status")}  ${r.url}  ${readableTime(r.at)}  ${state}`,
    color.dim(`${count(s.organisations)} organisations: ${count(s.connected)} connected · ${count(s.disconnected)} disconnected · ${count(s.lagging)} behind · `
      + `${count(s.overdueObligations)} overdue · ${count(s.deadLetters)} dead letters/${shortDuration(r.window.ms)}`),
    "",
    ...orgRows(r, now, opts.all === true),
    "",
    ...streamRows(r, now),
    "",
    auditorLine(r, now),
  ];
  const sources = sourcesLine(r);
  if (sources) lines.push(sources);
  lines.push(r.health === "healthy" ? color.green("healthy") : color.red(`degraded: ${safeText(r.reasons.join("; "))}`));
  return lines.join("\n");
}
