/**
 * A notice about a person at a member of the LIVC-R of the municipality of residence, without a
 * server: the member addressed by name and through a group receives two copies, the group's with
 * the redaction marker and its own with the details sealed to the residence and itself. Whichever
 * arrives first, the record ends with the sealed details; a copy sealed to a third organisation
 * never reaches the handler.
 */
import { describe, expect, it } from "vitest";
import { newMessageId, sampleData, type Organisation } from "@schakel/contracts";
import { seal } from "@schakel/contracts/bus";
import { memoryRecordStore, testOrganisations, TestBus } from "@schakel/contracts/bus/testing";
import { createLogger } from "@schakel/runtime";
import { inboxHandlers, orgStateIn } from "../src/mod.ts";

const ORGANISATIONS: Organisation[] = [
  { id: "fed-ocam", name: "OCAM / CUTA", level: "federal", roles: ["liaison"] },
  { id: "mechelen", name: "Stad Mechelen", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "vilvoorde", name: "Stad Vilvoorde", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "gent", name: "Stad Gent", level: "local", roles: ["municipality", "livc-partner"] },
];
const PURPOSES: ("consultation" | "follow-up")[] = ["consultation", "follow-up"];

/** mechelen's inbox; mechelen is a member of vilvoorde's LIVC-R. */
function mechelenInbox() {
  const orgs = testOrganisations(ORGANISATIONS);
  const bus = new TestBus({ org: "mechelen", organisations: orgs });
  const state = orgStateIn(memoryRecordStore(), "mechelen");
  bus.consume({ handlers: inboxHandlers({ org: "mechelen", directory: orgs.directory, log: createLogger({ service: "local", level: "silent" }) }, state), processed: state.processed });
  const key = (org: string) => ({ org, key: orgs.directory.sealingKeyOf(org) });
  const copies = (sealedTo: string[]) => {
    const base = { ...sampleData("notice.posted"), noticeId: newMessageId(), category: "detainee-release" as const, recipients: ["vilvoorde", "mechelen", "local"], residence: "vilvoorde" };
    return {
      group: orgs.message("fed-ocam", "notice.posted", { ...base, person: { purposes: PURPOSES, redacted: true as const } }, { to: "local" }),
      own: orgs.message("fed-ocam", "notice.posted", { ...base, person: { purposes: PURPOSES, sealed: seal({ name: "J. Doe" }, sealedTo.map(key)) } }, { to: "mechelen" }),
      noticeId: base.noticeId,
    };
  };
  return { orgs, bus, state, copies };
}

describe("organisation - a notice's person's details at a member of the LIVC-R", () => {
  it("notice person - the member's own copy, sealed to the residence and the member, replaces the group copy's marker, whichever came first", async () => {
    const { bus, state, copies } = mechelenInbox();
    const groupFirst = copies(["vilvoorde", "mechelen"]);
    expect((await bus.deliver(groupFirst.group)).kind).toBe("processed");
    expect((await state.notices.get(groupFirst.noticeId))?.value.person).toEqual({ purposes: PURPOSES, redacted: true });
    expect((await bus.deliver(groupFirst.own)).kind).toBe("processed");
    const upgraded = (await state.notices.get(groupFirst.noticeId))!.value;
    expect(upgraded.person && "sealed" in upgraded.person ? upgraded.person.sealed.recipients.map((r) => r.org) : upgraded.person).toEqual(["vilvoorde", "mechelen"]);
    expect(upgraded).toMatchObject({ audience: "mechelen", message: { id: groupFirst.own.envelope.id } });

    const ownFirst = copies(["vilvoorde", "mechelen"]);
    await bus.deliver(ownFirst.own);
    await bus.deliver(ownFirst.group);
    const kept = (await state.notices.get(ownFirst.noticeId))!.value;
    expect(kept).toMatchObject({ audience: "mechelen", message: { id: ownFirst.own.envelope.id } });
    expect(kept.person && "sealed" in kept.person).toBe(true);
  });

  it("notice person - the sending client refuses a copy sealed to a third organisation, naming the field", () => {
    const { copies } = mechelenInbox();
    expect(() => copies(["vilvoorde", "mechelen", "gent"])).toThrow(/data\.person.*sealed only to residence \("vilvoorde"\) on its own copy/s);
  });
});
