/**
 * The inbox handlers without a server: messages built and signed by the real sending code, checked
 * by the real decode path (the test bus), state in an in-memory store with a bucket's
 * compare-and-set rules. What needs a server (consumer filters, redelivery) stays in host.test.ts
 * and the level services' tests.
 */
import { describe, expect, it } from "vitest";
import { sampleData, type Organisation } from "@schakel/contracts";
import { memoryRecordStore, testOrganisations, TestBus } from "@schakel/contracts/bus/testing";
import { createLogger } from "@schakel/runtime";
import { inboxHandlers, orgStateIn } from "../src/mod.ts";

const ORGANISATIONS: Organisation[] = [
  { id: "fed-ocam", name: "OCAM / CUTA", level: "federal", roles: ["liaison"] },
  { id: "mechelen", name: "Stad Mechelen", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "vilvoorde", name: "Stad Vilvoorde", level: "local", roles: ["municipality", "livc-partner"] },
];

function mechelenInbox() {
  const orgs = testOrganisations(ORGANISATIONS);
  const bus = new TestBus({ org: "mechelen", organisations: orgs });
  const state = orgStateIn(memoryRecordStore(), "mechelen");
  const ctx = { org: "mechelen", directory: orgs.directory, log: createLogger({ service: "local", level: "silent" }) };
  bus.consume({ handlers: inboxHandlers(ctx, state), processed: state.processed });
  return { orgs, bus, state };
}

describe("organisation - inbox handlers on the test bus", () => {
  it("inbox - a notice to the organisation is recorded and answered with one delivery receipt to its sender", async () => {
    const { orgs, bus, state } = mechelenInbox();
    const notice = orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const outcome = await bus.deliver(notice);
    expect(outcome.kind).toBe("processed");
    const recorded = await state.notices.get(notice.envelope.data.noticeId);
    expect(recorded?.value).toMatchObject({ noticeId: notice.envelope.data.noticeId, from: "fed-ocam", audience: "mechelen" });
    expect(bus.sent).toHaveLength(1);
    expect(bus.sent[0]!.envelope).toMatchObject({
      type: "notice.delivered", sender: "mechelen", audience: "fed-ocam", causationid: notice.envelope.id,
      data: { noticeId: notice.envelope.data.noticeId, recipient: "mechelen" },
    });
    // The same message again (a redelivery after a lost ack): recognised, nothing runs twice.
    expect((await bus.deliver(notice)).kind).toBe("duplicate");
    expect(bus.sent).toHaveLength(1);
  });

  it("inbox - a notice for another municipality is not recorded and gets no receipt", async () => {
    const { orgs, bus, state } = mechelenInbox();
    const notice = orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "vilvoorde" });
    expect((await bus.deliver(notice)).kind).toBe("processed");
    expect(await state.notices.get(notice.envelope.data.noticeId)).toBeUndefined();
    expect(bus.sent).toHaveLength(0);
  });

  it("inbox - a receipt signed by one municipality in the name of another never reaches a handler", async () => {
    const { orgs, bus } = mechelenInbox();
    const forged = orgs.message("vilvoorde", "notice.acknowledged", { ...sampleData("notice.acknowledged"), recipient: "mechelen" }, { to: "mechelen" });
    const outcome = await bus.deliver(forged);
    expect(outcome).toMatchObject({ kind: "rejected", rejection: { reason: "sender-mismatch" } });
  });
});
