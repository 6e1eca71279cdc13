/**
 * The bounded console: with a window far smaller than the record, the oldest messages leave
 * memory and are read back from the streams and the trace index when a page asks for them. Every
 * notice stays reachable: through the feed's pages (following `before` to the very first message),
 * the last page of the notice list, the oldest notice's own page, and a trace search by the id of
 * its first copy — against a real secured bus with the real trace indexer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newMessageId, sampleData, traceIdOf, type Envelope } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { lookupTrace, startTraceIndexer, TraceIndex, type TraceIndexer } from "@schakel/tracing";
import { CHUNK_SIZE, startConsole, type RunningConsole } from "../src/mod.ts";
import { bearer, demoPersons, tokenFor } from "./sign-in.ts";

/** The one notice that asks for an acknowledgement: still owed when its records leave memory. */
const OPEN = 1;
/** More than a chunk past the window, so at least one chunk has left memory. */
const NOTICES = CHUNK_SIZE + 150;
const WINDOW = 50;
const WINDOW_OF = 128;

let server: SchakelServer;
let platform: Bus;
let indexer: TraceIndexer;
let consoleApp: RunningConsole;
let coordinator: Record<string, string>;
/** The notices in posting order: id and envelope id of their one copy. */
const posted: { noticeId: string; messageId: string; traceId: string; title: string }[] = [];

const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const res = await fetch(new URL(path, consoleApp.url), { headers: coordinator, redirect: "manual" });
  const text = await res.text();
  return { status: res.status, body: (text.startsWith("{") ? JSON.parse(text) : text) as T };
};

beforeAll(async () => {
  server = await startSchakelServer();
  platform = await server.connectAs("vpr");
  indexer = await startTraceIndexer(platform);
  const ocam = await server.connectAs("fed-ocam");
  const base = sampleData("notice.posted");
  for (let i = 0; i < NOTICES; i += WINDOW_OF) {
    const batch = Array.from({ length: Math.min(WINDOW_OF, NOTICES - i) }, (_, k) => {
      const title = `Notice ${i + k + 1} of the bounded console`;
      const open = i + k === OPEN;
      const data = { ...base, noticeId: newMessageId(), title, recipients: ["local"], ackRequired: open, ackBy: open ? new Date(Date.now() + 86_400_000).toISOString() : undefined };
      return ocam.publish("notice.posted", data, { to: "local" }).then((p) => ({ noticeId: data.noticeId, messageId: p.envelope.id, traceId: traceIdOf((p.envelope as Envelope).traceparent), title }));
    });
    posted.push(...(await Promise.all(batch)));
  }
  await ocam.close();
  const index = await TraceIndex.open(platform);
  await waitFor(async () => (await lookupTrace(index, posted.at(-1)!.messageId)) !== undefined && (await lookupTrace(index, posted[0]!.messageId)) !== undefined, { timeoutMs: 60_000, what: "the trace index holding every notice" });
  coordinator = bearer(tokenFor(server, "e.janssens"));
  consoleApp = await startConsole({ servers: server.url, dataDir: server.dataDir, window: WINDOW, signIn: { apiTokensOnly: true, persons: demoPersons(server) }, onNote: () => undefined });
  await consoleApp.caughtUp;
}, 120_000);

afterAll(async () => {
  await consoleApp?.stop();
  await indexer?.stop();
  await platform?.close();
  await server?.cleanup();
});

describe("bounded console", () => {
  it("console older pages - the oldest messages have left memory, and the feed pages down to the very first one", async () => {
    expect(consoleApp.model.size).toBe(NOTICES);
    expect(consoleApp.model.firstInMemory).toBeGreaterThanOrEqual(CHUNK_SIZE);
    expect(consoleApp.model.records.length).toBeLessThan(NOTICES - CHUNK_SIZE + 1);
    expect(consoleApp.model.lookup(posted[0]!.messageId).records).toEqual([]);

    const seen: string[] = [];
    let before: number | undefined;
    for (let page = 0; page < 20; page++) {
      const { status, body } = await get<{ items: { id: string; pos: number }[]; total: number; before?: number }>(`/api/messages?limit=200${before !== undefined ? `&before=${before}` : ""}`);
      expect(status).toBe(200);
      expect(body.total).toBe(NOTICES);
      seen.push(...body.items.map((i) => i.id));
      before = body.before;
      if (before === undefined) break;
    }
    expect(seen).toEqual(posted.map((p) => p.messageId).reverse());
  });

  it("console older pages - the last page of notices lists the oldest notice, read back from the streams", async () => {
    expect(consoleApp.model.notices.notices.get(posted[0]!.noticeId)).toBeUndefined();
    const first = await get<{ pages: number; total: number }>("/api/notices?pageSize=25");
    expect(first.body.total).toBe(NOTICES);
    const last = await get<{ items: { noticeId: string; title: string }[] }>(`/api/notices?pageSize=25&page=${first.body.pages}`);
    expect(last.status).toBe(200);
    expect(last.body.items.at(-1)).toMatchObject({ noticeId: posted[0]!.noticeId, title: posted[0]!.title });
    const html = await get<string>(`/notices?page=${first.body.pages}`);
    expect(html.status).toBe(200);
    expect(html.body).toContain(posted[0]!.title);
  });

  it("console older pages - the oldest notice's page and a trace search by its message id are served from the trace index", async () => {
    const oldest = posted[0]!;
    const notice = await get<{ notice: { noticeId: string; title: string } }>(`/api/notices/${oldest.noticeId}`);
    expect(notice.status).toBe(200);
    expect(notice.body.notice).toMatchObject({ noticeId: oldest.noticeId, title: oldest.title });
    expect((await get<string>(`/notices/${oldest.noticeId}`)).body).toContain(oldest.title);

    const search = await fetch(new URL(`/traces?id=${oldest.messageId}`, consoleApp.url), { headers: coordinator, redirect: "manual" });
    expect(search.status).toBe(303);
    expect(search.headers.get("location")).toBe(`/traces/${oldest.traceId}#m-${oldest.messageId}`);
    const trace = await get<{ steps: { record: { id: string } }[] }>(`/api/traces/${oldest.traceId}`);
    expect(trace.status).toBe(200);
    expect(trace.body.steps.map((s) => s.record.id)).toEqual([oldest.messageId]);
    // A notice still owed stays for the obligations after its records left memory; its page reads its body back.
    const owed = posted[OPEN]!;
    expect(consoleApp.model.lookup(owed.messageId).records).toEqual([]);
    expect(consoleApp.model.notices.notices.get(owed.noticeId)).toMatchObject({ bodyLeft: true, body: "" });
    const obligations = await get<{ items: { reference: string }[] }>("/api/obligations?pageSize=500");
    expect(obligations.body.items.some((o) => o.reference === owed.noticeId)).toBe(true);
    const owedPage = await get<{ notice: { title: string; body: string } }>(`/api/notices/${owed.noticeId}`);
    expect(owedPage.body.notice).toMatchObject({ title: owed.title, body: sampleData("notice.posted").body });
    // An id nobody sent is still not found, in memory or in the index.
    expect((await get(`/api/notices/${newMessageId()}`)).status).toBe(404);
  });
});
