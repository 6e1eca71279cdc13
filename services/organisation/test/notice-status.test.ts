/**
 * The notice-status fold without a server: the same notice and receipts give the same rows at
 * the same moment, whoever collected them; each viewer sees what its receipts allow.
 */
import { describe, expect, it } from "vitest";
import { KeyDirectory } from "@schakel/contracts/bus";
import { noticeProgress, noticeStatusFor, noticeStatusReport, receiptOf, recipientStatuses, type NoticeFacts, type NoticeMessage, type NoticeReceipt, type ReceivedNotice } from "../src/mod.ts";

const t0 = Date.parse("2026-12-01T10:00:00.000Z");
const deadline = t0 + 60_000;
const notice: NoticeFacts = {
  noticeId: "01900000-0000-7000-8000-000000000001", sender: "fed-ocam", recipients: ["antwerpen", "mechelen", "vilvoorde"],
  ackRequired: true, ackBy: new Date(deadline).toISOString(),
};
const receipts: NoticeReceipt[] = [
  { kind: "delivered", recipient: "mechelen", at: t0 + 1_000 },
  { kind: "acknowledged", recipient: "mechelen", at: t0 + 5_000, by: "duty officer", remark: "taken up" },
  { kind: "delivered", recipient: "antwerpen", at: t0 + 2_000 },
  { kind: "acknowledged", recipient: "vilvoorde", at: deadline + 30_000 },
  { kind: "escalated", recipient: "vilvoorde", at: deadline + 1_000, escalationId: "01900000-0000-7000-8000-0000000000e1" },
];
const states = (rows: { org: string; state: string }[]) => Object.fromEntries(rows.map((r) => [r.org, r.state]));

describe("notice status", () => {
  it("notice status - pending, delivered and acknowledged before the deadline; nothing is overdue yet", () => {
    const rows = recipientStatuses(notice, receipts.slice(0, 3), t0 + 10_000);
    expect(states(rows)).toEqual({ antwerpen: "delivered", mechelen: "acknowledged", vilvoorde: "pending" });
    expect(rows.find((r) => r.org === "mechelen")).toMatchObject({ deliveredAt: t0 + 1_000, acknowledgedAt: t0 + 5_000, acknowledgedBy: "duty officer", remark: "taken up", escalated: false });
    expect(rows.find((r) => r.org === "mechelen")?.lateMs).toBeUndefined();
    expect(noticeProgress(true, rows)).toEqual({ progress: "open", expected: 3, delivered: 2, acknowledged: 1, overdue: 0 });
  });

  it("notice status - after the deadline a missing acknowledgement is overdue; a late one is acknowledged, marked late, and keeps its escalation", () => {
    expect(states(recipientStatuses(notice, receipts.slice(0, 3), deadline + 1))).toEqual({ antwerpen: "overdue", mechelen: "acknowledged", vilvoorde: "overdue" });
    const rows = recipientStatuses(notice, receipts, deadline + 60_000);
    const vilvoorde = rows.find((r) => r.org === "vilvoorde")!;
    expect(vilvoorde).toMatchObject({ state: "acknowledged", lateMs: 30_000, escalated: true, escalatedAt: deadline + 1_000, deliveredAt: deadline + 30_000 });
    expect(noticeProgress(true, rows).progress).toBe("overdue");
  });

  it("notice status - a recipient sees its own row and the others as not visible; the sender and the platform see all", () => {
    const asMechelen = recipientStatuses(notice, receipts.slice(0, 2), deadline + 1, { org: "mechelen", platform: false });
    expect(states(asMechelen)).toEqual({ antwerpen: "not-visible", mechelen: "acknowledged", vilvoorde: "not-visible" });
    expect(noticeProgress(true, asMechelen)).toMatchObject({ progress: "complete", expected: 1 });
    expect(states(recipientStatuses(notice, receipts, deadline + 1, { org: "fed-ocam", platform: false }))).toEqual({ antwerpen: "overdue", mechelen: "acknowledged", vilvoorde: "acknowledged" });
    expect(states(recipientStatuses(notice, receipts, deadline + 1, { org: "vpr", platform: true }))).toEqual(states(recipientStatuses(notice, receipts, deadline + 1)));
  });

  it("notice status - a sender that does not know its recipients finds them in their receipts; the sender is never a recipient", () => {
    const unknown = { ...notice, recipients: [], ackBy: undefined } as NoticeFacts;
    const rows = recipientStatuses(unknown, [...receipts, { kind: "delivered", recipient: "fed-ocam", at: t0 }], deadline + 1);
    expect(states(rows)).toEqual({ antwerpen: "delivered", mechelen: "acknowledged", vilvoorde: "acknowledged" });
  });

  it("notice status - without an acknowledgement asked, a notice is never overdue and its progress is informational", () => {
    const info = { ...notice, ackRequired: false, ackBy: undefined } as NoticeFacts;
    const rows = recipientStatuses(info, receipts.slice(0, 1), deadline + 1);
    expect(states(rows)).toEqual({ antwerpen: "pending", mechelen: "delivered", vilvoorde: "pending" });
    expect(noticeProgress(false, rows).progress).toBe("informational");
  });

  it("notice status - a receipt that names another organisation than its sender is not a receipt", () => {
    const forged = receiptOf({ type: "notice.acknowledged", sender: "gent", data: { noticeId: notice.noticeId, recipient: "mechelen", acknowledgedAt: new Date(t0).toISOString() } });
    expect(forged).toBeUndefined();
    const real = receiptOf({ type: "notice.delivered", sender: "mechelen", data: { noticeId: notice.noticeId, recipient: "mechelen", deliveredAt: new Date(t0).toISOString() } });
    expect(real).toEqual({ kind: "delivered", recipient: "mechelen", at: t0 });
  });

  it("notice status - the report gives ISO times and nulls, the same keys for every row", () => {
    const report = noticeStatusReport({
      noticeId: notice.noticeId, title: "t", category: null, sender: "fed-ocam", audiences: ["local"], postedAt: null, ackRequired: true, ackBy: notice.ackBy!, traceId: null,
    }, recipientStatuses(notice, receipts, deadline + 60_000, { org: "mechelen", platform: false }));
    expect(report.progress).toBe("complete");
    expect(report.recipients.find((r) => r.org === "mechelen")).toEqual({
      org: "mechelen", state: "acknowledged", deliveredAt: "2026-12-01T10:00:01.000Z", acknowledgedAt: "2026-12-01T10:00:05.000Z", acknowledgedBy: "duty officer",
      acknowledgedActor: null, remark: "taken up", late: false, escalated: false, escalatedAt: null, escalationId: null,
    });
    expect(report.recipients.find((r) => r.org === "vilvoorde")).toMatchObject({ state: "not-visible", acknowledgedAt: null, escalated: false });
  });

  // Neither case below needs the directory (no copy of the notice to expand), so an empty one will do.
  const noDirectory = new KeyDirectory({ generatedAt: new Date(t0).toISOString(), organisations: [] });
  const iso = (ms: number) => new Date(ms).toISOString();

  it("notice status - a recipient without its copy in the feed knows its own row from its record", () => {
    const received: ReceivedNotice = {
      noticeId: notice.noticeId, from: "fed-ocam", audience: "local", title: "Threat level", body: "b", category: "information", ackRequired: true,
      ackBy: notice.ackBy!, receivedAt: iso(t0 + 1_000), message: { id: notice.noticeId, correlationid: notice.noticeId, traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
      acknowledgement: { acknowledgedAt: iso(t0 + 2_000), messageId: notice.noticeId, by: "duty officer" },
    };
    const report = noticeStatusFor({ org: "mechelen", platform: false }, noDirectory, notice.noticeId, [], { received }, deadline + 1)!;
    expect(report).toMatchObject({ sender: "fed-ocam", title: "Threat level", audiences: ["local"], progress: "complete" });
    expect(report.recipients).toEqual([expect.objectContaining({ org: "mechelen", state: "acknowledged", deliveredAt: iso(t0 + 1_000), acknowledgedBy: "duty officer" })]);
  });

  it("notice status - a sender without a record knows its recipients by their receipts, and the deadline by an escalation", () => {
    const messages: NoticeMessage[] = [
      { type: "notice.delivered", sender: "gent", data: { noticeId: notice.noticeId, recipient: "gent", deliveredAt: iso(t0) } },
      { type: "notice.acknowledged", sender: "leuven", data: { noticeId: notice.noticeId, recipient: "leuven", acknowledgedAt: iso(t0 + 1_000) } },
      { type: "notice.acknowledged", sender: "gent", data: { noticeId: notice.noticeId, recipient: "leuven", acknowledgedAt: iso(t0 + 1_000), remark: "forged" } },
      { type: "escalation.raised", sender: "vpr", data: {
        escalationId: "01900000-0000-7000-8000-0000000000e2", missedAt: iso(deadline + 1), summary: "gent did not acknowledge in time",
        obligation: { kind: "acknowledgement", reference: notice.noticeId, sourceMessageId: notice.noticeId, owedBy: "gent", owedTo: "fed-ocam", deadline: notice.ackBy! },
      } },
    ];
    const report = noticeStatusFor({ org: "fed-ocam", platform: false }, noDirectory, notice.noticeId, messages, {}, deadline + 10)!;
    expect(report).toMatchObject({ sender: "fed-ocam", ackRequired: true, ackBy: notice.ackBy, title: null, progress: "overdue" });
    expect(report.recipients.map((r) => [r.org, r.state, r.escalated, r.remark])).toEqual([["gent", "overdue", true, null], ["leuven", "acknowledged", false, null]]);
    expect(noticeStatusFor({ org: "fed-ocam", platform: false }, noDirectory, "01900000-0000-7000-8000-00000000ffff", messages, {}, deadline)).toBeUndefined();
  });
});
