/**
 * Scenario 6, console: the first page of the notices view (GET /notices, 25 newest, HTML) with
 * `consoleNotices` notices stored, over HTTP from a console started with `startConsole`. Raw
 * nats.js has no read model: its reference is reading the 25 newest notices straight from the
 * stream (an ordered consumer from the 25th newest), the least any page of notices costs. The
 * console's catch-up (reading and verifying the whole record at start) is reported beside it.
 * The console answers persons only: the pages are asked for with a platform coordinator's API
 * token (the console is started for API tokens only, as a library user would).
 */
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { newMessageId, STREAMS, typeFilter, type Person } from "@schakel/contracts";
import { apiTokensPath, issueApiToken } from "@schakel/infra";
import type { OrgCredentials } from "@schakel/contracts/bus";
import { SENDER, startBed, type Bed } from "../bed.ts";
import { pipelined } from "../pipeline.ts";
import { progress } from "../progress.ts";
import { makeFigure, unavailable, type Figure } from "../report/figure.ts";
import { alternate, type Side } from "../rounds.ts";
import { median } from "../stats.ts";
import { loadOptional } from "./optional.ts";
import { within } from "./readers.ts";

interface ConsoleModule {
  startConsole(o: {
    servers: string; credentials: Map<string, OrgCredentials>; directory: unknown; onNote?: (l: string) => void;
    signIn: { apiTokensOnly: true; persons: Person[] }; apiTokens: string;
  }): Promise<{ url: string; caughtUp: Promise<void>; stop(): Promise<void> }>;
}

const PAGE = 25;
const REQUESTS_PER_ROUND = 20;
const AUDIENCES = ["antwerpen", "mechelen", "vilvoorde", "gent", "leuven", "local", "all"];

export async function consoleScenario(bed: Bed): Promise<Figure[]> {
  const n = bed.settings.consoleNotices;
  const page = { scenario: 6, id: "console-notices", name: `console: first page of notices, ${n.toLocaleString("en-US")} stored`, unit: "ms", better: "lower" as const };
  const mod = await loadOptional<ConsoleModule>("@schakel/console", ["startConsole"]);
  if (typeof mod === "string") return [unavailable({ ...page, reason: mod })];
  const own = await startBed(bed.settings);
  try {
    const sender = await own.connectAs(SENDER);
    progress(`console: posting ${n} notices`);
    await pipelined(n, bed.settings.window, (i) => sender.publish("notice.posted", { ...bed.notice, noticeId: newMessageId(), title: `Notice ${i + 1}: updated threat assessment` }, { to: AUDIENCES[i % AUDIENCES.length]! }));
    await sender.close();
    const t0 = performance.now();
    const platform = own.server.registry.organisations.find((o) => o.roles.includes("platform"))!.id;
    const coordinator: Person = { id: "b.bench", name: "Bench Coordinator", organisation: platform, roles: ["platform-coordinator"] };
    const tokens = apiTokensPath(own.server.dataDir);
    const auth = { authorization: `Bearer ${issueApiToken(tokens, coordinator.id).token}` };
    const running = await mod.startConsole({
      servers: own.server.url, credentials: own.server.identities.organisations, directory: own.server.directory, onNote: (l) => progress(`console: ${l}`),
      signIn: { apiTokensOnly: true, persons: [coordinator] }, apiTokens: tokens,
    });
    await within(running.caughtUp, 300_000, "the console reading the record");
    const catchUp = (performance.now() - t0) / 1000;
    progress(`console: caught up with ${n} notices in ${catchUp.toFixed(1)} s`);
    const js = jetstream(await own.server.admin());
    const jsm = await own.server.jsm();
    const timed = (one: () => Promise<void>) => async (): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < REQUESTS_PER_ROUND; i++) {
        const s = performance.now();
        await one();
        times.push(performance.now() - s);
      }
      return median(times);
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
      {
        name: "schakel",
        run: timed(async () => {
          const res = await fetch(`${running.url}notices`, { headers: auth });
          const body = await res.text();
          if (!res.ok) throw new Error(`GET /notices answered ${res.status}: ${body.slice(0, 200)}`);
        }),
      },
    ];
    try {
      const r = await alternate("console", sides, bed.settings.rounds, (ms) => `${ms.toFixed(1)} ms`);
      return [
        makeFigure({ ...page, rounds: r, note: `GET /notices (HTML, ${PAGE} rows) over HTTP, median of ${REQUESTS_PER_ROUND} per round; raw = ordered consumer reading the ${PAGE} newest notices; console catch-up with ${n.toLocaleString("en-US")} notices: ${catchUp.toFixed(1)} s${bed.settings.quick ? "; quick run: fewer notices than the full run's 10,000" : ""}` }),
      ];
    } finally {
      await running.stop();
    }
  } finally {
    await own.close();
  }
}
