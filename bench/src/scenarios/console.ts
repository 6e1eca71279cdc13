/**
 * Scenario 6, console: the first page of the notices view (GET /notices, 25 newest, HTML) and the
 * console process's resident memory, with `consoleNotices` and with `consoleLarge` messages stored
 * (10^4 and 10^6 in the full run), each on its own server, requests alternating between them. The
 * console runs in a child process as the production start runs it (footprint/production.ts:
 * bundled, plain Node), so its RSS is the console's own. It keeps a fixed window of messages in
 * memory and reads older pages back from the streams: both figures should be flat in the size of
 * the record. Raw nats.js has no read model: its reference for the first page is reading the 25
 * newest notices straight from the stream (an ordered consumer from the 25th newest), the least
 * any page of notices costs. The console's catch-up (reading and verifying the whole record at
 * start) is reported beside it. The pages are asked for with a platform coordinator's API token.
 */
import { fork, type ChildProcess } from "node:child_process";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { newMessageId, STREAMS, typeFilter, type Person } from "@schakel/contracts";
import { apiTokensPath, issueApiToken } from "@schakel/infra";
import { SENDER, startBed, type Bed } from "../bed.ts";
import { fillStream } from "../fill.ts";
import type { ConsoleProbeReport, ConsoleProbeRequest } from "../footprint/console-child.ts";
import { productionBuild, productionNodeFlags } from "../footprint/production.ts";
import { rssOf } from "../footprint/rss.ts";
import { progress } from "../progress.ts";
import { makeFigure, unavailable, type Figure } from "../report/figure.ts";
import { alternate, type Side } from "../rounds.ts";
import { median } from "../stats.ts";
import { loadOptional } from "./optional.ts";

const PAGE = 25;
const REQUESTS_PER_ROUND = 20;
const AUDIENCES = ["antwerpen", "mechelen", "vilvoorde", "gent", "leuven", "local", "all"];
const sizeName = (n: number): string => (n >= 1e4 && Number.isInteger(Math.log10(n)) ? `10^${Math.log10(n)}` : n.toLocaleString("en-US"));

interface Store {
  bed: Bed;
  count: number;
  fillSeconds: number;
  console: ConsoleProbeReport & { url: string; catchUpMs: number };
  child: ChildProcess;
  auth: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A bed holding `count` signed notices (core publishes of distinct messages, as the trace scenario
 * fills). Informational notices (no acknowledgement asked): a notice that still awaits one is an
 * open obligation, which the console keeps in memory whatever its age (obligations page), so a
 * store of nothing but open obligations would measure those, not the record.
 */
async function fill(bed: Bed, count: number, label: string): Promise<number> {
  const sender = await bed.connectAs(SENDER);
  try {
    return await fillStream(await bed.server.admin(), await bed.server.jsm(), STREAMS.coord.name, count, (i) => {
      const out = sender.prepare("notice.posted", { ...bed.notice, ackRequired: false, ackBy: undefined, noticeId: newMessageId(), title: `Notice ${i + 1}: updated threat assessment` }, { to: AUDIENCES[i % AUDIENCES.length]! });
      return { subject: out.subject, data: out.body, headers: out.headers };
    }, label);
  } finally {
    await sender.close();
  }
}

/** Starts the console child against `bed` and waits until it has read the record. */
async function startConsoleChild(bed: Bed, count: number, label: string): Promise<Omit<Store, "fillSeconds">> {
  const platform = bed.server.registry.organisations.find((o) => o.roles.includes("platform"))!.id;
  const coordinator: Person = { id: "b.bench", name: "Bench Coordinator", organisation: platform, roles: ["platform-coordinator"] };
  const tokens = apiTokensPath(bed.server.dataDir);
  const auth = { authorization: `Bearer ${issueApiToken(tokens, coordinator.id).token}` };
  const child = fork(await productionBuild("bench/src/footprint/console-child.ts"), [], { execArgv: productionNodeFlags(), stdio: ["ignore", "ignore", "pipe", "ipc"] });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2_000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.send("stop");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  };
  const request: ConsoleProbeRequest = {
    url: bed.server.url, platform, credentials: bed.server.identities.organisations.get(platform), directory: bed.server.identities.directory, persons: [coordinator], apiTokens: tokens,
  };
  child.send(request);
  const report = await new Promise<ConsoleProbeReport>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: the console did not read ${count} messages within 30 minutes`)), 1_800_000);
    child.once("message", (m: ConsoleProbeReport) => (clearTimeout(timer), resolve(m)));
    void exited.then(() => (clearTimeout(timer), reject(new Error(`${label}: the console exited: ${stderr.trim().slice(-500)}`))));
  });
  if (report.error || !report.url) {
    await stop();
    throw new Error(`${label}: ${report.error ?? "no address"}`);
  }
  progress(`${label}: console caught up with ${count.toLocaleString("en-US")} messages in ${(report.catchUpMs! / 1000).toFixed(1)} s, ${report.inMemory} in memory, RSS ${(rssOf(child.pid!) ?? 0).toFixed(0)} MB, heap ${report.heapUsedMB!.toFixed(0)} of ${report.heapTotalMB!.toFixed(0)} MB`);
  return { bed, count, console: report as Store["console"], child, auth, stop };
}

export async function consoleScenario(bed: Bed): Promise<Figure[]> {
  const { consoleNotices: small, consoleLarge: large, rounds, quick } = bed.settings;
  const names = { small: sizeName(small), large: sizeName(large) };
  const base = (id: string, name: string, unit: string) => ({ scenario: 6, id, name, unit, better: "lower" as const });
  const page = base("console-notices", `console: first page of notices, ${names.small} stored`, "ms");
  const mod = await loadOptional<object>("@schakel/console", ["startConsole"]);
  if (typeof mod === "string") return [unavailable({ ...page, reason: mod })];
  const stores: Store[] = [];
  const beds = await Promise.all([startBed(bed.settings), startBed(bed.settings)]);
  try {
    for (const [b, count] of [[beds[0]!, small], [beds[1]!, large]] as const) {
      const label = `console ${sizeName(count)}`;
      const fillSeconds = await fill(b, count, `${label}: messages`);
      stores.push({ ...(await startConsoleChild(b, count, label)), fillSeconds });
    }
    const [s, l] = stores as [Store, Store];
    const js = jetstream(await s.bed.server.admin());
    const jsm = await s.bed.server.jsm();
    const timed = (one: () => Promise<void>) => async (): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < REQUESTS_PER_ROUND; i++) {
        const t0 = performance.now();
        await one();
        times.push(performance.now() - t0);
      }
      return median(times);
    };
    const firstPage = (store: Store) => timed(async () => {
      const res = await fetch(`${store.console.url}notices`, { headers: store.auth });
      const body = await res.text();
      if (!res.ok) throw new Error(`GET /notices answered ${res.status}: ${body.slice(0, 200)}`);
    });
    // RSS is read after each side's requests, so it includes what serving pages costs.
    const rss = { small: [] as number[], large: [] as number[] };
    const withRss = (store: Store, into: number[], run: () => Promise<number>) => async (): Promise<number> => {
      const ms = await run();
      into.push(rssOf(store.child.pid!) ?? NaN);
      return ms;
    };
    const sides: Side<number>[] = [
      {
        name: "raw",
        run: timed(async () => {
          const last = (await jsm.streams.info(STREAMS.coord.name)).state.last_seq;
          const c = await js.consumers.get(STREAMS.coord.name, { filter_subjects: typeFilter("notice.posted"), deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, last - PAGE + 1) });
          const batch = await c.fetch({ max_messages: PAGE, expires: 2_000 });
          let got = 0;
          for await (const m of batch) if (m.data.length && ++got === PAGE) break;
          if (got < PAGE) throw new Error(`raw page read ${got} of ${PAGE} notices`);
        }),
      },
      { name: "schakelSmall", run: withRss(s, rss.small, firstPage(s)) },
      { name: "schakelLarge", run: withRss(l, rss.large, firstPage(l)) },
    ];
    const r = await alternate("console", sides, rounds, (ms) => `${ms.toFixed(1)} ms`);
    // The warm-up round reads RSS too; keep the measured rounds' readings.
    const measured = (v: number[]) => v.slice(-rounds);
    const per = (a: number[], b: number[]) => a.map((x, i) => x / b[i]!);
    const catchUp = (st: Store) => `${(st.console.catchUpMs / 1000).toFixed(1)} s for ${st.count.toLocaleString("en-US")} (${st.console.inMemory!.toLocaleString("en-US")} kept in memory)`;
    const production = `console in its own process, production start (node ${productionNodeFlags().join(" ")}, bundled)`;
    return [
      makeFigure({ ...page, rounds: { raw: r.raw!, schakel: r.schakelSmall! }, note: `GET /notices (HTML, ${PAGE} rows) over HTTP, median of ${REQUESTS_PER_ROUND} per round; raw = ordered consumer reading the ${PAGE} newest notices; console catch-up ${catchUp(s)}` }),
      makeFigure({ ...base("console-notices-large", `console: first page of notices, ${names.large} stored`, "ms"), rounds: { schakel: r.schakelLarge! }, note: `console catch-up ${catchUp(l)}; fill ${l.fillSeconds.toFixed(0)} s${quick ? `; quick run: ${names.large} instead of 10^6` : ""}` }),
      makeFigure({ ...base("console-notices-scaling", `console first page ${names.large} / ${names.small}`, "×"), rounds: { schakel: per(r.schakelLarge!, r.schakelSmall!) }, target: { on: "schakel", op: "<=", value: 2, text: "≤ 2" } }),
      makeFigure({ ...base("console-rss-small", `console process RSS, ${names.small} stored`, "MB"), rounds: { schakel: measured(rss.small) }, note: production }),
      makeFigure({ ...base("console-rss-large", `console process RSS, ${names.large} stored`, "MB"), rounds: { schakel: measured(rss.large) } }),
      makeFigure({ ...base("console-rss-scaling", `console process RSS ${names.large} / ${names.small}`, "×"), rounds: { schakel: per(measured(rss.large), measured(rss.small)) }, target: { on: "schakel", op: "<=", value: 1.25, text: "≤ 1.25 (flat)" } }),
    ];
  } finally {
    for (const st of stores) await st.stop();
    for (const b of beds) await b.close();
  }
}
