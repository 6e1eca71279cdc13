/**
 * Bad input at the leaf boundary, against a running hub: one hub, and leaves started from the
 * generated configs with the one change each case needs (real nats-server processes).
 *
 * 1. A leaf presenting wrong link secrets: no link comes up, both servers log the refusal, and
 *    what its organisation publishes stays in its OUTBOX.
 * 2. A leaf whose remote for A presents B's link user and secret (a stolen credential): the link
 *    lands in B's account at the hub, so it may do exactly B's grants — none of A's.
 * 3. A leaf operator in full control of its config stores a message claiming to come from an
 *    organisation it does not host: the link's permissions keep it off the live subject. From a
 *    leaf that hosts several organisations (sourced by root: one filter per source on 2.9) it
 *    reaches COORD through the OUTBOX, and its receiver dead-letters it as `forged`; from a leaf
 *    that hosts one, the hub's source takes only that organisation's subjects, so neither the
 *    message nor a forged dead-letter record (which no reader verifies) leaves the leaf.
 * 4. A suspended organisation: after the hub's reload its open link reaches nothing (nats-server
 *    2.9 does not re-check open leaf links on a reload), its next link is refused, and what it
 *    stores at its leaf meanwhile is dead-lettered as `revoked-key`.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, RequestError, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  audienceFilter, deadLetterFilter, deadLetterSubject, feedConsumerName, inboxPrefix, JS_API, LEAF, leafDeliverPrefix, leafOutboxSubjects, messageSubject, orgStateBucket, PLATFORM_ACCOUNT, sampleData, senderFilter, sourceOf, STREAMS,
} from "@schakel/contracts";
import { buildOutgoing, identityFrom, wireContext, type Bus, type Consumption } from "@schakel/contracts/bus";
import { fetchMonitor, startSchakelLeaf, startSchakelServer, storedMessages, waitFor, type NatsServer, type SchakelLeaf, type SchakelLeafOptions, type SchakelServer } from "@schakel/harness";
import { atHubDomain, provisionHubSources, publicKeyOfSeed, reloadServer, renderHubAuthorization, replaceAccounts, revokeSigningKey, type LeafSite } from "@schakel/infra";
import { deadLetterFor } from "../src/bus/dead-letters.ts";
import { envelopeOf, signed } from "../src/bus/forge.ts";

const IMPOSTOR: LeafSite = { name: "gent", organisations: ["gent"] };
const THIEF: LeafSite = { name: "antwerpen", organisations: ["antwerpen"] };
const VICTIM: LeafSite = { name: "mechelen", organisations: ["mechelen"] };
const FORGER: LeafSite = { name: "leuven", organisations: ["leuven", "caw-mechelen"] };
const LONE_FORGER: LeafSite = { name: "vilvoorde", organisations: ["vilvoorde"] };
const SUSPENDED: LeafSite = { name: "willebroek", organisations: ["willebroek"] };
const SITES = [IMPOSTOR, THIEF, VICTIM, FORGER, LONE_FORGER, SUSPENDED];
const enc = new TextEncoder();

/**
 * Every line a server logged since the watch began: the harness keeps only the last lines, so
 * each poll adds what is new (lines carry the pid and a microsecond time stamp).
 */
class LogWatch {
  readonly #seen: Set<string>;
  readonly #lines: string[] = [];
  /** `fromStart`: include what the server logged before the watch (as far as the harness kept it). */
  constructor(private readonly server: NatsServer, fromStart = false) {
    this.#seen = new Set(fromStart ? [] : server.output().split("\n"));
  }
  lines(): string[] {
    for (const line of this.server.output().split("\n")) if (!this.#seen.has(line)) (this.#seen.add(line), this.#lines.push(line));
    return this.#lines;
  }
  count(pattern: RegExp): number {
    return this.lines().filter((l) => pattern.test(l)).length;
  }
  /** Waits until `pattern` was logged at least `n` times since the watch began. */
  async waitFor(pattern: RegExp, n = 1, what = `${pattern}`): Promise<void> {
    await waitFor(() => this.count(pattern) >= n, { timeoutMs: 10_000, intervalMs: 50, what: `${n}× ${what} in the log of ${this.server.url}` });
  }
}

/** The hub's refusal of a link (2.9.10 names neither the user nor the account: its config has nkey users too). */
const HUB_REFUSED = /- lid:\d+ - authentication error - Nkey ""/;
/** A leaf's log: which of its links (by local account) the hub refused. */
function refusedAccounts(leafLog: string[]): string[] {
  const accountOf = new Map(leafLog.flatMap((l) => [...l.matchAll(/lid:(\d+) - Leafnode connection created for account: (\S+)/g)].map((m) => [m[1]!, m[2]!] as const)));
  return [...new Set(leafLog.flatMap((l) => [...l.matchAll(/lid:(\d+) - Leafnode Error 'Authorization Violation'/g)].map((m) => accountOf.get(m[1]!) ?? "?")))].sort();
}

/** The accounts at the hub that the connected leaf links are bound to (from /leafz). */
async function linkAccounts(hub: NatsServer): Promise<string[]> {
  const leafz = await fetchMonitor<{ leafs: { account: string }[] | null }>(hub.monitorUrl!, "/leafz");
  return (leafz.leafs ?? []).map((l) => l.account).sort();
}

type Answer = { answered: true } | { answered: false; how: string };

/** A JetStream API request at the hub's domain, as an organisation at a leaf sends it: answered, or how it was refused. */
async function ask(nc: NatsConnection, subject: string, body = ""): Promise<Answer> {
  try {
    const m = await nc.request(atHubDomain(subject) ?? subject, body, { timeout: 2_000 });
    const error = (m.json<{ error?: { code: number; description: string } }>()).error;
    return error ? { answered: false, how: `JetStream error ${error.code}: ${error.description}` } : { answered: true };
  } catch (err) {
    if (err instanceof RequestError && err.isNoResponders()) return { answered: false, how: "no responders" };
    throw err;
  }
}

const secretUrlPart = (s: { user: string; password: string }): string => `${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}`;

/** The filter of the hub stream's source of `site`'s OUTBOX. */
async function sourceFilter(jsm: JetStreamManager, stream: string, site: LeafSite): Promise<string | undefined> {
  const sources = (await jsm.streams.info(stream)).config.sources ?? [];
  return sources.find((src) => src.external?.deliver === leafDeliverPrefix(site.name))?.filter_subject;
}

/** `text` with `change` applied; throws when it changed nothing (the generated format moved on). */
function altered(text: string, change: (text: string) => string, what: string): string {
  const after = change(text);
  if (after === text) throw new Error(`the generated leaf config did not change when ${what}: update this test to the new format`);
  return after;
}

describe("leaf boundary - bad input from a leaf is refused by a running hub", () => {
  let s: SchakelServer;
  let hubLog: LogWatch;
  let receiver: Bus;
  let consumption: Consumption;
  const handled: string[] = [];
  const figures: Record<string, string> = {};
  const open: { cleanup(): Promise<void> }[] = [];
  const leaf = async (site: LeafSite, opts: SchakelLeafOptions = {}): Promise<SchakelLeaf> => {
    const started = performance.now();
    const l = await startSchakelLeaf(s, site, opts);
    open.push(l);
    figures[`leaf ${site.name} started`] = `${((performance.now() - started) / 1000).toFixed(2)} s`;
    return l;
  };
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      figures[name] = `${((performance.now() - started) / 1000).toFixed(2)} s`;
    }
  };

  beforeAll(async () => {
    s = await timed("hub started", () => startSchakelServer({ leaves: SITES, server: { monitoring: true } }));
    hubLog = new LogWatch(s.server);
    // A liaison at the hub: every message that reaches its inboxes is verified before a handler runs.
    receiver = await s.connectAs("fed-ocam");
    consumption = receiver.consume({
      handlers: {
        "signal.raised": (d) => void handled.push(d.envelope.id),
      },
    });
  });
  afterAll(async () => {
    console.log(Object.entries(figures).map(([k, v]) => `${k}: ${v}`).join("\n"));
    await consumption?.stop();
    await Promise.allSettled(open.map((l) => l.cleanup()));
    await s?.cleanup();
  });

  it("leaf boundary - wrong link secrets: no link is established, the hub logs each refusal, the leaf's log names the refused links, and nothing the organisation publishes reaches COORD", async () => {
    const { sites, organisations } = s.leafHub!.secrets;
    // The link users' names are no secret; the passwords here are well-formed but not the hub's.
    const l = await leaf(IMPOSTOR, {
      links: 0,
      alterConfig: (c) => ({
        ...c, remotes: [sites.get("gent")!, organisations.get("gent")!].reduce((text, secret) => altered(text, (t) => t.replace(`:${encodeURIComponent(secret.password)}@`, `:${randomBytes(32).toString("base64url")}@`), `replacing ${secret.user}'s password`), c.remotes),
      }),
    });
    const leafLog = new LogWatch(l.server, true);
    const gent = await l.connectAs("gent");
    const ack = await gent.publish("signal.raised", sampleData("signal.raised"), { to: "federal" });
    expect(ack.stream).toBe(LEAF.outboxStream);

    // Both links refused once more after the publication: the leaf kept trying, the hub kept refusing.
    const refusedBefore = hubLog.count(HUB_REFUSED);
    await timed("wrong secrets: publication to both links refused again", () => hubLog.waitFor(HUB_REFUSED, refusedBefore + 2, "the hub refusing the leaf's links"));
    await hubLog.waitFor(/Leafnode connection closed: Authentication Failure/, refusedBefore + 2, "the hub closing the refused links");
    await waitFor(() => refusedAccounts(leafLog.lines()).length === 2, { what: "the leaf to log both refused links" });
    expect(refusedAccounts(leafLog.lines())).toEqual(["gent", LEAF.outboxAccount]);
    expect(await linkAccounts(s.server)).toEqual([]);
    expect(await storedMessages(await s.jsm(), senderFilter("gent"))).toEqual([]);
    expect((await (await jetstreamManager(await admin(l))).streams.info(LEAF.outboxStream)).state.messages).toBe(1);
    await l.cleanup();
  });

  it("leaf boundary - a link presenting B's user and secret lands in B's account: it may do exactly B's grants, none of A's", async () => {
    const { organisations } = s.leafHub!.secrets;
    // The thief controls its leaf: A's user there may send anything, A's link presents B's credential.
    const l = await leaf(THIEF, {
      openUsers: true,
      alterConfig: (c) => ({ ...c, remotes: altered(c.remotes, (t) => t.replace(secretUrlPart(organisations.get("antwerpen")!), secretUrlPart(organisations.get("mechelen")!)), "presenting mechelen's link secret") }),
    });
    expect(await linkAccounts(s.server)).toEqual([PLATFORM_ACCOUNT, "mechelen"].sort());
    // As A: its own durables, feed slot and bucket are out of reach through this link.
    const asA = await l.rawAs("antwerpen");
    const coord = STREAMS.coord.name;
    const mine = [
      JS_API.consumerInfo(coord, "antwerpen--antwerpen"),
      JS_API.consumerNext(coord, "antwerpen--antwerpen"),
      JS_API.consumerCreateFiltered(coord, feedConsumerName("antwerpen", 1), audienceFilter("antwerpen")),
      JS_API.kvKeys(orgStateBucket("antwerpen")).replace(">", "case.register"),
    ];
    for (const subject of mine) expect(await ask(asA, subject), subject).toEqual({ answered: false, how: "no responders" });
    // With B's reply prefix the same connection reaches B's durable: the stolen secret is B's credential.
    const asB = await connect({ servers: l.server.url, authenticator: nkeyAuthenticator(enc.encode(s.identities.organisations.get("antwerpen")!.seed)), inboxPrefix: inboxPrefix("mechelen"), noAsyncTraces: true });
    open.push({ cleanup: () => asB.close() });
    expect(await ask(asB, JS_API.consumerInfo(coord, "mechelen--mechelen"))).toEqual({ answered: true });
    await asB.close();
    await l.cleanup();
  });

  it("leaf boundary - a leaf operator's message claiming an organisation it does not host stays off the live subject and, from a leaf of several organisations, is dead-lettered as forged, never handled", async () => {
    // The operator of this leaf gives its users every permission and drops the links' deny lists.
    const l = await leaf(FORGER, {
      openUsers: true, alterConfig: (c) => ({ ...c, remotes: altered(c.remotes, (t) => t.replace(/, deny_exports: \[[^\]]*\], deny_imports: \[[^\]]*\]/g, ""), "dropping the deny lists") }),
    });
    // A leaf of two organisations is sourced by root: nats-server 2.9 takes one filter per source.
    expect(await sourceFilter(await s.jsm(), STREAMS.coord.name, FORGER)).toBe("coord.>");
    const nc = await admin(l);
    // Claims mechelen (hosted elsewhere) with mechelen's public key; only leuven's seed is at hand.
    const leuven = identityFrom(s.identities.organisations.get("leuven")!);
    const forge = (marker: string) => {
      const genuine = buildOutgoing(leuven, s.directory, "signal.raised", { ...sampleData("signal.raised"), description: marker }, { to: "federal" }, wireContext());
      const envelope = envelopeOf(genuine.body);
      Object.assign(envelope, { sender: "mechelen", source: sourceOf("mechelen"), signingkey: publicKeyOfSeed(s.identities.organisations.get("mechelen")!.seed) });
      return { ...signed(leuven, messageSubject("signal.raised", "federal", "mechelen"), envelope), id: envelope["id"] as string };
    };
    // Straight onto the live subject, over the sourcing link: the hub never asked for it.
    const live = forge("forged-on-the-live-subject");
    nc.publish(live.subject, live.body, { headers: live.headers });
    await nc.flush();
    // Through the OUTBOX, widened by the operator to the claimed sender's subjects.
    const jsm = await jetstreamManager(nc);
    const outbox = await jsm.streams.info(LEAF.outboxStream);
    await jsm.streams.update(LEAF.outboxStream, { ...outbox.config, subjects: [...outbox.config.subjects!, ...leafOutboxSubjects(["mechelen"])] });
    const sourced = forge("forged-through-the-outbox");
    await jetstream(nc).publish(sourced.subject, sourced.body, { headers: sourced.headers, msgID: sourced.id });

    const dl = await timed("forged: stored at the leaf to dead-lettered", async () => deadLetterFor(await s.jsm(), "forged-through-the-outbox"));
    expect(dl.reason).toBe("forged");
    expect(dl.sourceSubject).toBe(sourced.subject);
    expect(dl.subject).toBe(deadLetterSubject("fed-ocam", "forged"));
    // The hub's COORD holds the sourced copy only; the one sent on the live subject never arrived.
    const stored = await storedMessages(await s.jsm(), sourced.subject);
    expect(stored.map((m) => m.envelope.id)).toEqual([sourced.id]);
    expect(handled.filter((id) => id === live.id || id === sourced.id)).toEqual([]);
    await l.cleanup();
  });

  it("leaf boundary - from a leaf that hosts one organisation the hub takes only its subjects: a forged message and a forged dead-letter record stay at the leaf", async () => {
    const hubJsm = await s.jsm();
    const l = await leaf(LONE_FORGER, {
      openUsers: true, alterConfig: (c) => ({ ...c, remotes: altered(c.remotes, (t) => t.replace(/, deny_exports: \[[^\]]*\], deny_imports: \[[^\]]*\]/g, ""), "dropping the deny lists") }),
    });
    // A hub the previous release provisioned sourced it by root; provisioning again corrects the filter.
    const dl = await hubJsm.streams.info(STREAMS.deadletter.name);
    await hubJsm.streams.update(STREAMS.deadletter.name, {
      ...dl.config, sources: dl.config.sources!.map((src) => (src.external?.deliver === leafDeliverPrefix(LONE_FORGER.name) ? { ...src, filter_subject: "deadletter.>" } : src)),
    });
    expect(await sourceFilter(hubJsm, STREAMS.deadletter.name, LONE_FORGER)).toBe("deadletter.>");
    expect(await provisionHubSources(hubJsm, [LONE_FORGER])).toEqual([STREAMS.deadletter.name]);
    // The hub sources this leaf by its one organisation's subjects.
    expect([await sourceFilter(hubJsm, STREAMS.deadletter.name, LONE_FORGER), await sourceFilter(hubJsm, STREAMS.coord.name, LONE_FORGER)])
      .toEqual([deadLetterFilter("vilvoorde"), senderFilter("vilvoorde")]);
    const nc = await admin(l);
    const jsm = await jetstreamManager(nc);
    const outbox = await jsm.streams.info(LEAF.outboxStream);
    await jsm.streams.update(LEAF.outboxStream, { ...outbox.config, subjects: [...outbox.config.subjects!, ...leafOutboxSubjects(["mechelen"])] });
    const vilvoorde = identityFrom(s.identities.organisations.get("vilvoorde")!);
    const js = jetstream(nc);
    // A message claiming mechelen, and a dead-letter record filed in mechelen's name (unsigned, as every one is).
    const claimed = buildOutgoing(vilvoorde, s.directory, "signal.raised", { ...sampleData("signal.raised"), description: "forged-at-a-lone-leaf" }, { to: "federal" }, wireContext());
    const envelope = envelopeOf(claimed.body);
    Object.assign(envelope, { sender: "mechelen", source: sourceOf("mechelen"), signingkey: publicKeyOfSeed(s.identities.organisations.get("mechelen")!.seed) });
    const forged = signed(vilvoorde, messageSubject("signal.raised", "federal", "mechelen"), envelope);
    await js.publish(forged.subject, forged.body, { headers: forged.headers });
    const forgedRecord = deadLetterSubject("mechelen", "forged-at-a-lone-leaf");
    await js.publish(forgedRecord, enc.encode(JSON.stringify({ reason: "handler-failed", note: "filed at vilvoorde's leaf in mechelen's name" })));
    // Then vilvoorde's own message, stored after both: the source takes the OUTBOX in order.
    const genuine = buildOutgoing(vilvoorde, s.directory, "signal.raised", { ...sampleData("signal.raised"), description: "genuine-at-a-lone-leaf" }, { to: "federal" }, wireContext());
    await js.publish(genuine.subject, genuine.body, { headers: genuine.headers, msgID: genuine.envelope.id });

    await timed("lone leaf: its own message at the hub", () => waitFor(async () => (await storedMessages(hubJsm, genuine.subject)).some((m) => m.envelope.id === genuine.envelope.id), { timeoutMs: 20_000, intervalMs: 100, what: "vilvoorde's message sourced from its leaf" }));
    // (The subject is the one the forger of the test before used too: its copy is there, this one is not.)
    expect((await storedMessages(hubJsm, forged.subject)).filter((m) => m.envelope.id === envelope["id"])).toEqual([]);
    expect(await storedMessages(hubJsm, forgedRecord, STREAMS.deadletter.name)).toEqual([]);
    // Both are still in the leaf's OUTBOX: kept out by the hub, not lost on the way.
    expect((await storedMessages(jsm, forgedRecord, LEAF.outboxStream)).length).toBe(1);
    await l.cleanup();
  });

  it("leaf boundary - a suspended organisation: after the hub's reload its open link reaches nothing, its next link is refused, and what it stores is dead-lettered", async () => {
    const l = await leaf(SUSPENDED);
    const own = JS_API.consumerInfo(STREAMS.coord.name, "willebroek--willebroek");
    const nc = await l.rawAs("willebroek");
    const bus = await l.connectAs("willebroek");
    expect(await ask(nc, own)).toEqual({ answered: true });

    const ids = await revokeSigningKey(s.registry, s.dataDir, "willebroek", { replace: false });
    // The hub's generator, applied as `schakel identities` applies the registry's: rewrite the accounts, SIGHUP.
    const config = path.join(s.server.dir, "nats.conf");
    await writeFile(config, replaceAccounts(await readFile(config, "utf8"), renderHubAuthorization(s.registry, ids, SITES, s.leafHub!.secrets)));
    const reloads = hubLog.count(/Reloaded server configuration/);
    await timed("suspension: SIGHUP to reloaded", async () => {
      reloadServer(s.server.pid);
      await hubLog.waitFor(/Reloaded server configuration/, reloads + 1);
    });
    s.directory.replace(ids.directory);
    const stillLinked = (await linkAccounts(s.server)).includes("willebroek");
    figures["suspension: open link still listed after the reload"] = String(stillLinked);
    // Whether or not the server closed it, the link's account has nothing left to reach.
    const refused = await ask(nc, own);
    expect(refused.answered).toBe(false);
    figures["suspension: the open link's request"] = refused.answered ? "answered" : refused.how;

    // What it stores at its leaf still travels by the sourcing link; its receiver refuses it.
    const ack = await bus.publish("signal.raised", sampleData("signal.raised"), { to: "federal" });
    const dl = await timed("suspension: stored at the leaf to dead-lettered", async () => deadLetterFor(await s.jsm(), ack.id));
    expect(dl.reason).toBe("revoked-key");
    expect(handled).not.toContain(ack.id);

    // The link drops (the leaf restarts): the sourcing link comes back, the organisation's is refused.
    const refusedBefore = hubLog.count(HUB_REFUSED);
    await timed("suspension: leaf restart to its link refused", async () => {
      await l.server.restart();
      await hubLog.waitFor(HUB_REFUSED, refusedBefore + 1, "the hub refusing the suspended organisation's link");
      await waitFor(async () => (await linkAccounts(s.server)).join() === PLATFORM_ACCOUNT, { what: "the sourcing link back, the suspended organisation's absent" });
    });
    const leafLog = new LogWatch(l.server, true);
    await waitFor(() => refusedAccounts(leafLog.lines()).includes("willebroek"), { what: "the leaf to log its refused link" });
    expect(refusedAccounts(leafLog.lines())).toEqual(["willebroek"]);
  });

  /** An operator connection to a leaf's `outbox` account (every permission there); closed with the leaf's test. */
  async function admin(l: SchakelLeaf): Promise<NatsConnection> {
    const nc = await connect({ servers: l.server.url, authenticator: nkeyAuthenticator(enc.encode(s.identities.admin.seed)), noAsyncTraces: true });
    open.push({ cleanup: () => nc.close() });
    return nc;
  }
});
