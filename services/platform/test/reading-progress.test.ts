/**
 * How far the platform has read, without a server: the watchers judge a deadline only once the
 * platform has read past it, so each coordination message handled moves the mark to its storage
 * time — and a message whose handlers failed (it comes back) or a case message does not.
 */
import { describe, expect, it } from "vitest";
import { sampleData, type Organisation } from "@schakel/contracts";
import { TestBus, testOrganisations } from "@schakel/contracts/bus/testing";
import { readingProgress } from "../src/platform.ts";

const ORGANISATIONS: Organisation[] = [
  { id: "fed-ocam", name: "OCAM / CUTA (threat assessment)", level: "federal", roles: ["liaison"] },
  { id: "mechelen", name: "Stad Mechelen", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "vpr", name: "Vlaams Platform Radicalisering", level: "flemish", roles: ["platform", "liaison"] },
];

describe("platform - reading progress", () => {
  it("platform - each coordination message handled marks its storage time as read; a failed one or a case message does not", async () => {
    const orgs = testOrganisations(ORGANISATIONS);
    const bus = new TestBus({ org: "vpr", organisations: orgs });
    const read: number[] = [];
    let failNext = false;
    const handle = () => {
      if (failNext) throw new Error("obligations bucket unavailable");
    };
    bus.consume({
      handlers: { "notice.posted": handle, "case.consultation.requested": handle },
      interceptors: [readingProgress({ observe: (storedAt) => void read.push(storedAt.getTime()) })],
    });
    const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 9, 0, s));
    const notice = () => orgs.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen", time: at(0) });

    expect((await bus.deliver(notice(), { storedAt: at(1) })).kind).toBe("processed");
    failNext = true;
    expect((await bus.deliver(notice(), { storedAt: at(2) })).kind).toBe("failed");
    failNext = false;
    const consultation = orgs.message("mechelen", "case.consultation.requested", sampleData("case.consultation.requested"), { to: "vpr", time: at(0) });
    expect((await bus.deliver(consultation, { storedAt: at(3) })).kind).toBe("processed");

    expect(read).toEqual([at(1).getTime()]);
  });
});
