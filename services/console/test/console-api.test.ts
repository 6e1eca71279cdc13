/**
 * The console's JSON API and its rules against a real secured bus, called with persons' real API
 * tokens: what each person's organisation may see, sealed case content never served, forged
 * messages refused, posting validated before anything is published (the sender is the person's
 * organisation), cross-site requests refused, and a restart reading the whole record again.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstream } from "@nats-io/jetstream";
import { newMessageId, STREAMS, sampleData } from "@schakel/contracts";
import { encodeSignature, HEADERS, signingBytes } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { startConsole, type RunningConsole } from "../src/mod.ts";
import { runDemoFlow, type DemoFlow } from "./demo-flow.ts";
import { bearer, demoPersons, tokenFor } from "./sign-in.ts";

let bus: SchakelServer;
let consoleApp: RunningConsole;
let demo: DemoFlow;

/** One person of each organisation the tests look through (from the demo persons file). */
const PERSON_OF: Record<string, string> = {
  vpr: "e.janssens", gent: "j.de-smet", mechelen: "m.peeters", vilvoorde: "n.willems", "fed-ocam": "p.lambert", "fed-police": "c.dupont",
};
const tokens = new Map<string, string>();
/** A request as a person of `org`, with their API token. */
const as = (org: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...bearer(tokens.get(org)!), ...(init.headers as Record<string, string> | undefined) } });

const get = async <T = Record<string, unknown>>(path: string, init: RequestInit = as("vpr")): Promise<{ status: number; body: T; text: string }> => {
  const res = await fetch(new URL(path, consoleApp.url), init);
  const text = await res.text();
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    body = undefined as T;
  }
  return { status: res.status, body, text };
};

/** What a live stream sends as a person of `org`, until its first `fragment` event or `ms`. */
async function liveUntilFragment(path: string, org: string, ms: number): Promise<string> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  let text = "";
  try {
    const res = await fetch(new URL(path, consoleApp.url), { ...as(org), signal: stop.signal });
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (text.includes("event: fragment")) break;
    }
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
  return text;
}

interface MessagesPage {
  items: { sender: string; audience: string; type: string; summary: string; caseRef?: string }[];
  total: number;
}

beforeAll(async () => {
  bus = await startSchakelServer();
  const persons = demoPersons(bus);
  for (const [org, person] of Object.entries(PERSON_OF)) tokens.set(org, tokenFor(bus, person));
  consoleApp = await startConsole({ servers: bus.url, dataDir: bus.dataDir, signIn: { apiTokensOnly: true, persons }, onNote: () => undefined });
  await consoleApp.caughtUp;
  demo = await runDemoFlow(bus);
  await waitFor(() => consoleApp.model.size >= 13, { what: "the demo flow's 13 messages in the console" });
});

afterAll(async () => {
  await consoleApp?.stop();
  await bus?.cleanup();
});

describe("console api", () => {
  it("console api - the platform sees every flow; a municipality only what is addressed to it, its level or all, and what it sent", async () => {
    const all = await get<MessagesPage>("/api/messages?limit=100", as("vpr"));
    expect(all.body.total).toBe(13);
    const gent = await get<MessagesPage>("/api/messages?limit=100", as("gent"));
    expect(gent.body.items.map((m) => `${m.sender}>${m.audience}:${m.type}`).sort()).toEqual(["gent>vpr:signal.raised", "vvsg>all:knowledge.shared"]);
    const mechelen = await get<MessagesPage>("/api/messages?limit=100", as("mechelen"));
    for (const m of mechelen.body.items) expect(m.sender === "mechelen" || ["mechelen", "local", "all"].includes(m.audience)).toBe(true);
    expect(mechelen.body.items.some((m) => m.audience === "vilvoorde")).toBe(false);
    // The notice's matrix: the sender sees both recipients, a recipient only its own row.
    const asOcam = await get<{ matrix: { org: string; state: string }[] }>(`/api/notices/${demo.noticeId}`, as("fed-ocam"));
    expect(asOcam.body.matrix.map((r) => `${r.org}:${r.state}`)).toEqual(["mechelen:acknowledged", "vilvoorde:delivered"]);
    const asVilvoorde = await get<{ matrix: { org: string }[] }>(`/api/notices/${demo.noticeId}`, as("vilvoorde"));
    expect(asVilvoorde.body.matrix.map((r) => r.org)).toEqual(["vilvoorde"]);
    expect((await get(`/api/notices/${demo.noticeId}`, as("gent"))).status).toBe(404);
    // The trace, as a recipient, hides the other recipient's messages and says how many.
    const trace = await get<{ steps: unknown[]; hidden: number }>(`/api/traces/${demo.traceId}`, as("mechelen"));
    expect(trace.body.steps.length).toBe(3);
    expect(trace.body.hidden).toBe(3);
    // A mistyped viewpoint is refused, never widened to the platform's.
    // The viewpoint is the person's organisation: asking for another one changes nothing.
    const asked = await get<MessagesPage>("/api/messages?as=vpr&limit=100", as("gent"));
    expect(asked.body.total).toBe(gent.body.total);
  });

  it("console api - sealed case content never appears in any page or answer, only the case metadata", async () => {
    const paths = ["/", "/feed", "/notices", "/obligations", "/traces", "/flows", "/api/messages?limit=100", "/api/notices", "/api/obligations", "/api/escalations", "/api/flows"];
    const caseTrace = consoleApp.model.records.find((r) => r.type === "case.consultation.requested")!.traceId;
    paths.push(`/traces/${caseTrace}`, `/api/traces/${caseTrace}`);
    for (const org of ["vpr", "fed-police", "mechelen"]) {
      for (const path of org === "vpr" ? paths : ["/api/messages?limit=100", `/api/traces/${caseTrace}`]) {
        const { status, text } = await get(path, as(org));
        expect(status, `${org} ${path}`).toBe(200);
        expect(text.includes(demo.sealedCiphertext), path).toBe(false);
        expect(text.includes(demo.sealedWrappedKey), path).toBe(false);
      }
    }
    const police = await get<MessagesPage>("/api/messages?type=case", as("fed-police"));
    expect(police.body.items).toHaveLength(1);
    expect(police.body.items[0]!.caseRef).toBe(demo.caseRef);
    expect(police.body.items[0]!.summary).toContain("sealed");
    expect((await get<MessagesPage>("/api/messages?type=case", as("gent"))).body.total).toBe(0);
  });

  it("console api - a message with a forged signature is refused and never shown", async () => {
    const mechelen = await bus.connectAs("mechelen");
    const out = mechelen.prepare("signal.raised", { ...sampleData("signal.raised"), title: "An honest signal" }, { to: "vpr" });
    const forged = new TextEncoder().encode(new TextDecoder().decode(out.body).replace("An honest signal", "A forged signal"));
    await jetstream(await bus.admin()).publish(out.subject, forged, { headers: out.headers, msgID: out.envelope.id });
    await waitFor(() => consoleApp.model.refusedCount === 1, { what: "the forged message refused" });
    const refused = await get<{ latest: { reason: string; subject: string }[] }>("/api/refused");
    expect(refused.body.latest.map((r) => r.reason)).toEqual(["forged"]);
    expect((await get("/api/refused", as("mechelen"))).status).toBe(403);
    const feed = await get("/api/messages?limit=100");
    expect(feed.text).not.toContain("A forged signal");
  });

  it("console api - posting validates with the catalog schema, names each field and publishes nothing on error", async () => {
    const jsm = await bus.jsm();
    const before = (await jsm.streams.info(STREAMS.coord.name)).state.messages;
    const post = (body: unknown, org = "fed-ocam") => get<{ error?: { code: string; fields: Record<string, string[]> }; noticeId?: string; published?: unknown[] }>("/api/notices", as(org, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    }));
    const bad = await post({ recipients: ["mechelen", "nowhere"], title: "x", body: "", category: "gossip", ackRequired: true, ackBy: "2001-01-01T00:00:00Z" });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error!.fields)).toEqual(["recipients", "title", "body", "category", "ackBy"]);
    expect(bad.body.error!.fields.recipients![0]).toContain("nowhere");
    expect(bad.body.error!.fields.ackBy![0]).toContain("past");
    // A municipality's LIVC coordinator may not post; a liaison may not post as another organisation.
    const notALiaison = await post({ recipients: ["mechelen"], title: "From a town", body: "Text", category: "information" }, "gent");
    expect([notALiaison.status, notALiaison.body.error!.code]).toEqual([403, "role-not-allowed"]);
    const otherSender = await post({ from: "fed-police", recipients: ["mechelen"], title: "As someone else", body: "Text", category: "information" });
    expect([otherSender.status, otherSender.body.error!.code]).toEqual([403, "not-allowed"]);
    expect((await jsm.streams.info(STREAMS.coord.name)).state.messages).toBe(before);

    const good = await post({ recipients: ["local"], title: "For every municipality", body: "Text", category: "information" }, "fed-police");
    expect(good.status).toBe(201);
    expect(good.body.published).toHaveLength(1);
    await waitFor(() => consoleApp.model.notices.notices.get(good.body.noticeId!)?.known, { what: "the posted notice" });
    const n = await get<{ notice: { expected: string[] } }>(`/api/notices/${good.body.noticeId}`);
    expect(n.body.notice.expected.sort()).toEqual(["antwerpen", "caw-mechelen", "clb-mechelen", "gent", "leuven", "mechelen", "pz-antwerpen", "pz-mechelen-willebroek", "vilvoorde", "willebroek"]);
  });

  it("console api - a notice sent again with the id of its first attempt is posted once", async () => {
    const jsm = await bus.jsm();
    const before = (await jsm.streams.info(STREAMS.coord.name)).state.messages;
    const noticeId = newMessageId();
    const notice = { noticeId, recipients: ["gent", "leuven"], title: "Sent twice after a timeout", body: "Text", category: "information" };
    const post = () => get<{ noticeId: string; published: { audience: string; seq: number }[] }>("/api/notices", as("fed-ocam", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(notice),
    }));
    const first = await post();
    const second = await post();
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.noticeId).toBe(noticeId);
    expect(second.body.published).toEqual(first.body.published);
    expect((await jsm.streams.info(STREAMS.coord.name)).state.messages).toBe(before + 2);
    // The form carries the id it was shown with, so sending it again is the same notice.
    const form = await get("/post", as("fed-ocam"));
    expect(form.text).toMatch(/<input type="hidden" name="noticeId" value="[0-9a-f-]{36}">/);
  });


  it("console api - a notice posted a moment ago and not yet read back: its poster's page says it is on its way and follows the notice's live stream; others are told it is not found", async () => {
    // A post the console's record has not read back yet (its feed lags on a busy machine).
    const waiting = newMessageId();
    consoleApp.recentPosts.remember({ noticeId: waiting, from: "fed-ocam", title: "Still on its way", at: Date.now() });
    const poster = await get(`/notices/${waiting}`, as("fed-ocam"));
    expect(poster.status).toBe(202);
    expect(poster.text).toContain("<h1>Still on its way</h1>");
    // What its script follows: the notice's live stream, which has no matrix to send while it is on its way.
    expect(poster.text).toContain(`data-pending-notice="/live/notices/${waiting}"`);
    expect(await liveUntilFragment(`/live/notices/${waiting}`, "fed-ocam", 1_000)).not.toContain("event: fragment");
    expect((await get(`/notices/${waiting}`, as("gent"))).status).toBe(404);
    // Forgotten after two minutes: then "not found" says it may still be on its way.
    consoleApp.recentPosts.remember({ noticeId: waiting, from: "fed-ocam", title: "Still on its way", at: Date.now() - 121_000 });
    expect((await get(`/notices/${waiting}`, as("fed-ocam"))).status).toBe(404);
    // A real post is remembered; once read back, its page is the notice's own, with no refresh.
    const posted = await get<{ noticeId: string }>("/api/notices", as("fed-ocam", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ recipients: ["gent"], title: "Read back", body: "Text", category: "information" }),
    }));
    expect(posted.status).toBe(201);
    expect(consoleApp.recentPosts.pending(posted.body.noticeId, "fed-ocam")?.title).toBe("Read back");
    await waitFor(() => consoleApp.model.notices.notices.get(posted.body.noticeId)?.known === true, { what: "the posted notice in the console's record" });
    // Read in: its live stream sends the matrix as soon as a page connects (what the waiting page
    // loads itself again on), to those who may see the notice only.
    expect(await liveUntilFragment(`/live/notices/${posted.body.noticeId}`, "fed-ocam", 10_000)).toContain("event: fragment");
    expect(await liveUntilFragment(`/live/notices/${posted.body.noticeId}`, "vilvoorde", 1_000)).not.toContain("event: fragment");
    const page = await get(`/notices/${posted.body.noticeId}`, as("fed-ocam"));
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("data-pending-notice");
    expect(page.text).toContain('class="matrix');
  });
  it("console api - the status route says whether the bus is reachable, where, and how current the record is", async () => {
    const newest = (): string => new Date(Math.max(...consoleApp.model.records.map((r) => r.storedAt))).toISOString();
    // Copies of the earlier tests' messages may still be arriving: the answer is the newest record held when it was made.
    const before = newest();
    const status = await get<{ bus: string; url: string; since: string; lastMessageAt: string }>("/api/status");
    const after = newest();
    expect(status.body.bus).toBe("up");
    expect(status.body.url).toBe(bus.url);
    expect(Date.parse(status.body.since)).toBeLessThanOrEqual(Date.now());
    const last = status.body.lastMessageAt;
    expect(consoleApp.model.records.some((r) => new Date(r.storedAt).toISOString() === last), last).toBe(true);
    expect(last >= before && last <= after, `${before} ≤ ${last} ≤ ${after}`).toBe(true);
    // While the bus is up no page carries the banner's text.
    const page = await get("/notices");
    expect(page.text).toContain('id="bus-banner" role="alert" data-bus-banner="/live/bus" data-state="up"></div>');
  });

  it("console api - form posts from another site and requests for another host name are refused", async () => {
    const crossSite = await get("/post", as("fed-ocam", { method: "POST", headers: { origin: "http://elsewhere.example", "content-type": "application/x-www-form-urlencoded" }, body: "recipients=all&title=Hello&body=x&category=information" }));
    expect(crossSite.status).toBe(403);
    // fetch() will not send another Host header; a page reached through DNS rebinding would.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: consoleApp.port, path: "/api/health", headers: { host: `attacker.example:${consoleApp.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it("console api - a restarted console reads the whole record again, next to one still running", async () => {
    const second = await startConsole({ servers: bus.url, dataDir: bus.dataDir, signIn: { apiTokensOnly: true, persons: demoPersons(bus) }, onNote: () => undefined });
    try {
      await second.caughtUp;
      // The running console reads live; the last receipts of the earlier tests may still be on their way to it.
      await waitFor(() => second.model.size === consoleApp.model.size, { what: `the running console (${consoleApp.model.size}) and the restarted one (${second.model.size}) to hold the same record` });
      expect(second.model.size).toBe(consoleApp.model.size);
      expect(second.model.refusedCount).toBe(1);
      expect(second.model.notices.list.map((n) => n.noticeId)).toEqual(consoleApp.model.notices.list.map((n) => n.noticeId));
    } finally {
      await second.stop();
    }
  });

  it("console api - the feed resumes after the broker restarts, without losing or repeating a message", async () => {
    const before = consoleApp.model.size;
    await bus.server.restart();
    const ocam = await bus.connectAs("fed-ocam");
    const posted = await waitFor(async () => ocam.publish("knowledge.shared", sampleData("knowledge.shared"), { to: "all" }), { timeoutMs: 20_000, what: "publishing after the restart" });
    await waitFor(() => consoleApp.model.trace(posted.traceId).length === 1, { timeoutMs: 30_000, what: "the message published after the restart in the console" });
    expect(consoleApp.model.size).toBe(before + 1);
    const ids = consoleApp.model.records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("console api - the JSON stream delivers new messages that match its filters and the viewpoint", async () => {
    const abort = new AbortController();
    const res = await fetch(new URL("/api/stream?type=knowledge", consoleApp.url), as("mechelen", { signal: abort.signal }));
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const events: { event: string; data: string }[] = [];
    const reading = (async () => {
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
          const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join("\n");
          events.push({ event, data });
        }
      }
    })().catch(() => undefined);
    await waitFor(() => events.some((e) => e.event === "hello"), { what: "the stream to open" });
    const gent = await bus.connectAs("gent");
    await gent.publish("signal.raised", sampleData("signal.raised"), { to: "vpr" });
    const shared = await gent.publish("knowledge.shared", { ...sampleData("knowledge.shared"), title: "Intervision for local officials" }, { to: "local" });
    await waitFor(() => events.some((e) => e.event === "message"), { what: "the knowledge message on the stream" });
    abort.abort();
    await reading;
    const messages = events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data) as { id: string; type: string });
    expect(messages.map((m) => [m.id, m.type])).toEqual([[shared.id, "knowledge.shared"]]);
  });

  it("console api - an acknowledgement signed by mechelen that names vilvoorde as recipient is refused as sender-mismatch and never shown", async () => {
    const refusedBefore = consoleApp.model.refusedCount;
    const mechelen = await bus.connectAs("mechelen");
    // Mechelen's own valid key over an acknowledgement that speaks for vilvoorde (which has not acknowledged).
    const ack = { noticeId: demo.noticeId, recipient: "mechelen", acknowledgedAt: new Date().toISOString(), remark: "Forged remark for vilvoorde" };
    const out = mechelen.prepare("notice.acknowledged", ack, { to: "fed-ocam" });
    const body = new TextEncoder().encode(new TextDecoder().decode(out.body).replace('"recipient":"mechelen"', '"recipient":"vilvoorde"'));
    out.headers.set(HEADERS.signature, encodeSignature(mechelen.identity.sign(signingBytes(out.subject, body))));
    await jetstream(await bus.rawAs("mechelen")).publish(out.subject, body, { headers: out.headers, msgID: out.envelope.id });
    await waitFor(() => consoleApp.model.refusedCount > refusedBefore, { what: "the forged receipt refused" });
    const refused = await get<{ latest: { reason: string }[] }>("/api/refused");
    expect(refused.body.latest.map((r) => r.reason)).toContain("sender-mismatch");
    const asOcam = await get<{ matrix: { org: string; state: string }[] }>(`/api/notices/${demo.noticeId}`, as("fed-ocam"));
    expect(asOcam.body.matrix.map((r) => `${r.org}:${r.state}`)).toEqual(["mechelen:acknowledged", "vilvoorde:delivered"]);
    expect((await get(`/api/notices/${demo.noticeId}`, as("fed-ocam"))).text).not.toContain("Forged remark");
  });
});
