/**
 * Notifications on real servers: a real nats-server (the harness), the organisation's inbox
 * service on the runtime host, and a real SMTP server (smtp-server on a free port) that receives
 * what nodemailer sends. An urgent notice and a deadline about to pass reach the person's mailbox
 * with a console link; a refused first attempt is retried and ends delivered; a person who chose
 * "none" gets nothing; a redelivered message notifies nobody twice; an escalation and a triage
 * decision addressed to the organisation each reach the person who chose them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newMessageId, sampleData } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import {
  acknowledgeNotice, closeMailTransports, listNotifications, notificationSettings, notificationStore, notifierFor, postNotice, preferencesOf, setPreferences, NOTIFICATIONS_FILE,
} from "../src/mod.ts";
import { inboxService } from "./fixtures/inbox-service.ts";

interface Received {
  to: string[];
  raw: string;
}

const LEAD_MS = 60 * 60_000;
const mails: Received[] = [];
let refuseNext = 0;
/** While set, a delivery waits at RCPT TO until it settles: the state between two attempts stays visible for the test. */
let held: Promise<void> | undefined;
let smtp: SMTPServer;
let s: SchakelServer;
let host: ServiceHost;
let ocam: Bus;
let mechelen: Bus;
let dir: string;

const lotte = { id: "l.peeters", email: "lotte.peeters@mechelen.example.be" };
const mira = { id: "m.peeters", email: "mira.peeters@mechelen.example.be" };

function startSmtp(): Promise<number> {
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ["STARTTLS", "AUTH"], logger: false,
    onRcptTo(address, _session, callback) {
      if (refuseNext > 0) {
        refuseNext--;
        const err = Object.assign(new Error("mailbox busy, try again later"), { responseCode: 451 });
        return callback(err);
      }
      if (held) return void held.then(() => callback());
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  return new Promise((resolve) => smtp.listen(0, "127.0.0.1", () => resolve((smtp.server.address() as AddressInfo).port)));
}

/** Quoted-printable bytes (`=XX`) to text. */
const unquote = (text: string): string => Buffer.from(text.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8");

/** The mail as a reader sees it: headers unfolded with their encoded words decoded, the quoted-printable body decoded. */
function plain(raw: string): string {
  const at = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, at).replace(/\r\n[ \t]+/g, " ").replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, q: string) => unquote(q.replace(/_/g, " ")));
  return `${headers}\r\n\r\n${unquote(raw.slice(at + 4).replace(/=\r\n/g, ""))}`;
}
const mailsFor = (to: string, subjectPart: string): Received[] => mails.filter((m) => m.to.includes(to) && plain(m.raw).includes(subjectPart));

beforeAll(async () => {
  const port = await startSmtp();
  dir = mkdtempSync(join(tmpdir(), "schakel-notify-"));
  const personsFile = join(dir, "persons.json");
  writeFileSync(personsFile, JSON.stringify({
    persons: [
      { id: lotte.id, name: "Lotte Peeters", organisation: "mechelen", roles: ["livc-coordinator"], email: lotte.email },
      { id: mira.id, name: "Mira Peeters", organisation: "mechelen", roles: ["livc-member"], email: mira.email },
      { id: "k.claes", name: "Kris Claes", organisation: "mechelen", roles: ["reader"] },
    ],
  }));
  process.env.SCHAKEL_PERSONS = personsFile;
  process.env.SCHAKEL_NOTIFY_RETRY = "300ms";
  process.env.SCHAKEL_NOTIFY_DEADLINE_LEAD = "1h";
  s = await startSchakelServer();
  // What `schakel up` writes when it starts its mail sink.
  writeFileSync(join(s.dataDir, NOTIFICATIONS_FILE), JSON.stringify({ smtpUrl: `smtp://127.0.0.1:${port}`, consoleUrl: "http://console.test:8480/" }));
  ocam = await s.connectAs("fed-ocam");
  mechelen = await s.connectAs("mechelen");
  // Mira wants no mail for urgent notices nor deadlines.
  await setPreferences(await notificationStore(mechelen), mira, { "urgent-notice": "none", deadline: "none" });
  host = await startService(inboxService, { orgs: ["mechelen"], dataDir: s.dataDir, server: s.url, logger: createLogger({ service: "inbox", level: "silent" }) });
});
afterAll(async () => {
  await host?.stop();
  await s?.cleanup();
  closeMailTransports();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("notifications", () => {
  it("notifications - an urgent notice to the organisation reaches the person by e-mail with a console link; 'none' and no address get nothing", async () => {
    const posted = await postNotice(ocam, { to: ["mechelen"], title: "Threat level raised for public events", body: "Level 3 from today.", category: "threat-assessment" });
    const [mail] = await waitFor(() => {
      const m = mailsFor(lotte.email, "Urgent notice from fed-ocam");
      return m.length ? m : undefined;
    }, { timeoutMs: 15_000, what: "the urgent notice's mail to l.peeters" });
    const text = plain(mail!.raw);
    expect(text).toMatch(/^Subject: \[Schakel\] Urgent notice from fed-ocam: "Threat level raised for public events"/m);
    expect(text).toContain(`http://console.test:8480/notices/${posted.noticeId}`);
    expect(text).not.toContain("Level 3 from today");
    const rows = await waitFor(async () => {
      const r = (await listNotifications(mechelen)).filter((n) => n.event === "urgent-notice" && n.path === `/notices/${posted.noticeId}`);
      return r.every((n) => n.status === "delivered") && r.length ? r : undefined;
    }, { what: "the delivered notification record" });
    expect(rows.map((r) => r.person)).toEqual([lotte.id]);
    expect(rows[0]).toMatchObject({ status: "delivered", attempts: 1, messageId: posted.copies[0]!.id });
    expect(mails.filter((m) => m.to.includes(mira.email))).toHaveLength(0);
  });

  it("notifications - a redelivered message notifies nobody twice (one notification per event, message and person)", async () => {
    const [row] = (await listNotifications(mechelen)).filter((n) => n.event === "urgent-notice");
    const before = mails.length;
    const again = await notifierFor(host.bus("mechelen")).notify("urgent-notice", row!.messageId, { subject: row!.subject, text: row!.text, path: row!.path });
    expect(again).toEqual([]);
    expect(mails.length).toBe(before);
  });

  it("notifications - a notice not acknowledged shortly before its deadline produces a deadline e-mail", async () => {
    const ackBy = new Date(Date.now() + LEAD_MS + 1_500);
    const posted = await postNotice(ocam, { to: ["mechelen"], title: "Confirm the extra patrols", body: "Please confirm.", category: "event-warning", ackBy });
    const [mail] = await waitFor(() => {
      const m = mailsFor(lotte.email, "[Schakel] Deadline: acknowledge");
      return m.length ? m : undefined;
    }, { timeoutMs: 15_000, what: "the deadline mail to l.peeters" });
    const text = plain(mail!.raw);
    expect(text).toContain('"Confirm the extra patrols" from fed-ocam');
    expect(text).toContain(`http://console.test:8480/notices/${posted.noticeId}`);
    expect(mailsFor(mira.email, "Deadline")).toHaveLength(0);
  });

  it("notifications - a notice acknowledged before its reminder gets no deadline e-mail", async () => {
    const at = (ms: number) => new Date(Date.now() + LEAD_MS + ms);
    const acked = await postNotice(ocam, { to: ["mechelen"], title: "Acknowledged in time", body: "Please confirm.", category: "event-warning", ackBy: at(2_500) });
    const later = await postNotice(ocam, { to: ["mechelen"], title: "Reminded later", body: "Please confirm.", category: "event-warning", ackBy: at(3_500) });
    expect(await acknowledgeNotice(mechelen, { noticeId: acked.noticeId })).toMatchObject({ outcome: "acknowledged" });
    const deadlineMails = (noticeId: string) => mailsFor(lotte.email, "[Schakel] Deadline: acknowledge").filter((m) => plain(m.raw).includes(noticeId));
    await waitFor(() => deadlineMails(later.noticeId).length > 0, { timeoutMs: 15_000, what: "the later notice's deadline mail" });
    expect(deadlineMails(acked.noticeId)).toHaveLength(0);
    // Both were urgent (due within a day): the acknowledged one had its urgent mail all the same.
    expect(mailsFor(lotte.email, acked.noticeId)).toHaveLength(1);
  });

  it("notifications - a delivery the SMTP server refuses is retried, shown as retrying with the error, then delivered", async () => {
    refuseNext = 1;
    let release!: () => void;
    held = new Promise<void>((r) => (release = r));
    const posted = await postNotice(ocam, { to: ["mechelen"], title: "Second threat assessment", body: "Details in the console.", category: "threat-assessment" });
    const path = `/notices/${posted.noticeId}`;
    const notification = async () => (await listNotifications(mechelen)).find((n) => n.path === path && n.event === "urgent-notice");
    // The first attempt is refused; the second waits at the server until the refusal has been seen.
    const retrying = await waitFor(async () => {
      const r = await notification();
      return r?.status === "retrying" ? r : undefined;
    }, { timeoutMs: 15_000, intervalMs: 50, what: "the refused notification shown as retrying" });
    expect(retrying).toMatchObject({ person: lotte.id, attempts: 1, status: "retrying" });
    expect(retrying.lastError).toMatch(/mailbox busy/);
    held = undefined;
    release();
    const final = await waitFor(async () => {
      const r = await notification();
      return r?.status === "delivered" ? r : undefined;
    }, { timeoutMs: 15_000, intervalMs: 50, what: "the retried notification delivered" });
    expect(final).toMatchObject({ person: lotte.id, attempts: 2, status: "delivered" });
    expect(final.lastError).toMatch(/mailbox busy/);
    expect(mailsFor(lotte.email, "Second threat assessment")).toHaveLength(1);
  });

  it("notifications - preferences: defaults by e-mail address, stored choices win, an unknown stored event (a later release's) is ignored", async () => {
    const store = await notificationStore(mechelen);
    expect((await preferencesOf(store, { id: "k.claes" })).events).toMatchObject({ "urgent-notice": "none", deadline: "none" });
    expect((await preferencesOf(store, lotte)).events).toMatchObject({ "urgent-notice": "email", deadline: "email", digest: "none" });
    await store.preferences.put("x.later", { person: "x.later", events: { "urgent-notice": "none", "some-later-event": "email" }, updatedAt: new Date().toISOString() });
    const later = await preferencesOf(store, { id: "x.later", email: "x@example.be" });
    expect(later).toMatchObject({ stored: true, events: { "urgent-notice": "none", deadline: "email" } });
    expect(later.events).not.toHaveProperty("some-later-event");
    await expect(setPreferences(store, { id: "k.claes" }, { digest: "email" })).rejects.toThrow(/k\.claes has no e-mail address/);
    await expect(setPreferences(store, lotte, { digests: "email" })).rejects.toThrow(/unknown notification event "digests"/);
  });

  it("notifications - an escalation and a triage decision to the organisation each mail the person who chose them, and nobody else", async () => {
    await setPreferences(await notificationStore(mechelen), mira, { escalation: "email", "triage-decision": "email" });
    const vpr = await s.connectAs("vpr");
    const reference = newMessageId();
    const escalation = await vpr.publish("escalation.raised", {
      ...sampleData("escalation.raised"), escalationId: newMessageId(),
      obligation: { kind: "signal-report", reference, sourceMessageId: newMessageId(), owedBy: "fed-police", owedTo: "vpr", deadline: new Date().toISOString() },
    }, { to: "mechelen" });
    const triaged = await vpr.publish("signal.triaged", {
      decisionId: newMessageId(), signalId: newMessageId(), raisedBy: "mechelen", decision: "ask-info", reason: "Since when, and how often?", decidedAt: new Date().toISOString(),
    }, { to: "mechelen", actor: { person: "e.janssens", role: "platform-coordinator" } });
    const [escalated] = await waitFor(() => {
      const m = mailsFor(mira.email, "[Schakel] Escalation: fed-police missed a signal-report deadline");
      return m.length ? m : undefined;
    }, { timeoutMs: 15_000, what: "the escalation mail to m.peeters" });
    expect(plain(escalated!.raw)).toContain(`http://console.test:8480/traces/${escalation.id}`);
    const [decided] = await waitFor(() => {
      const m = mailsFor(mira.email, "[Schakel] Triage decision on a signal: ask-info");
      return m.length ? m : undefined;
    }, { timeoutMs: 15_000, what: "the triage decision mail to m.peeters" });
    expect(plain(decided!.raw)).toContain(`http://console.test:8480/traces/${triaged.id}`);
    // Lotte kept the defaults (neither event by e-mail): nothing for her.
    expect(mailsFor(lotte.email, "[Schakel] Escalation")).toHaveLength(0);
    expect(mailsFor(lotte.email, "[Schakel] Triage decision")).toHaveLength(0);
  });

  it("notifications - settings: a bad SMTP URL or duration names its variable; without an SMTP URL nothing is configured", () => {
    expect(() => notificationSettings({ env: { SCHAKEL_SMTP_URL: "mail.example.be" } })).toThrow(/SCHAKEL_SMTP_URL is not a URL/);
    expect(() => notificationSettings({ env: { SCHAKEL_NOTIFY_RETRY: "soon" } })).toThrow(/SCHAKEL_NOTIFY_RETRY "soon" is not a duration/);
    expect(notificationSettings({ env: {} }).smtpUrl).toBeUndefined();
  });
});
