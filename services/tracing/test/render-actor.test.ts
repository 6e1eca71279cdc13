/**
 * A trace shows who acted on each step a person took: the index keeps the envelope's actor, the
 * flow text names the person where a PersonIndex resolves the pseudonym, else the pseudonym and
 * role; a step without one (the service's, or any earlier release's) gets no such line.
 */
import { describe, expect, it } from "vitest";
import { sampleData, type MessageType, type Organisation, type Person } from "@schakel/contracts";
import { PersonIndex } from "@schakel/contracts/bus";
import { testOrganisations } from "@schakel/contracts/bus/testing";
import { buildFlow, entryOf, renderFlow, TraceEntry, visibleWidth } from "../src/mod.ts";

const ORGS: Organisation[] = [
  { id: "fed-ocam", name: "OCAM", level: "federal", roles: ["liaison"] },
  { id: "mechelen", name: "Stad Mechelen", level: "local", roles: ["municipality", "livc-partner"] },
];
const MARC: Person = { id: "m.peeters", name: "Marc Peeters", organisation: "mechelen", roles: ["livc-member"] };

describe("trace - the acting person on each step", () => {
  it("trace - an acknowledgement by a person is shown with their name (or pseudonym) and role; the service's steps without", () => {
    const o = testOrganisations(ORGS);
    const notice = o.message("fed-ocam", "notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const ack = o.message("mechelen", "notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam", inReplyTo: notice.envelope, actor: { person: MARC.id, role: "livc-member" } });
    const at = Date.now();
    const entries = [notice, ack].map((m, i) => entryOf(m.envelope.type as MessageType, m.envelope, { stream: "COORD", seq: i + 1, subject: m.subject, storedAt: new Date(at + i * 1_000) }).entry);
    const pseudonym = o.identity("mechelen").pseudonymOf(MARC.id);
    expect(entries[1]!.actor).toEqual({ pseudonym, role: "livc-member" });
    expect(entries[0]).not.toHaveProperty("actor");
    // An entry indexed by an earlier release (no actor) still parses.
    expect(TraceEntry.parse(entries[0]).actor).toBeUndefined();

    const orgs = { levelOf: (id: string) => ORGS.find((x) => x.id === id)?.level, members: (a: string) => [a] };
    const flow = buildFlow(entries[0]!.correlation, entries, orgs);
    const named = renderFlow(flow, { persons: new PersonIndex([MARC], [o.identity("mechelen")]) });
    const anonymous = renderFlow(flow);
    expect(named).toMatch(/notice\.acknowledged.*\n\s+by mechelen's Marc Peeters \(livc-member\)/);
    expect(anonymous).toContain(`by mechelen's ${pseudonym} (livc-member)`);
    expect(anonymous.match(/ by /g)).toHaveLength(1);
    for (const line of named.split("\n")) expect(visibleWidth(line)).toBeLessThanOrEqual(80);
  });
});
