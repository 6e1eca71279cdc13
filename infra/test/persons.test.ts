/**
 * The persons file: the demo file loads and keeps its format when written back; every kind of
 * bad input is refused with a message naming the line where its entry starts, the field and what
 * to do.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { actingRole, PERSON_ROLES, personRolesFor } from "@schakel/contracts";
import { DEFAULT_PERSONS_PATH, PersonsFileError, loadPersons, loadRegistry, parsePersons, personsPath, renderPersons } from "../src/mod.ts";

const registry = loadRegistry();

/** Three entries, one per line, at lines 3, 4 and 5; `second` replaces the middle one. */
const threeEntries = (second: string): string =>
  [
    "{",
    '  "persons": [',
    '    { "id": "l.peeters", "name": "Lotte Peeters", "organisation": "mechelen", "roles": ["livc-coordinator"] },',
    `    ${second},`,
    '    { "id": "p.lambert", "name": "Pierre Lambert", "organisation": "fed-ocam", "roles": ["liaison"] }',
    "  ]",
    "}",
  ].join("\n");

function problemOf(text: string): PersonsFileError {
  try {
    parsePersons(text, registry);
  } catch (err) {
    expect(err).toBeInstanceOf(PersonsFileError);
    return err as PersonsFileError;
  }
  throw new Error("expected the persons file to be refused");
}

describe("persons file", () => {
  it("persons - the demo file loads, with someone at every demo organisation", () => {
    const persons = loadPersons(DEFAULT_PERSONS_PATH, registry);
    const orgs = new Set(persons.map((p) => p.organisation));
    for (const o of registry.organisations) expect(orgs, o.id).toContain(o.id);
    expect(persons.find((p) => p.roles.includes("platform-coordinator"))?.organisation).toBe("vpr");
    expect(persons.filter((p) => p.organisation === "mechelen").flatMap((p) => p.roles)).toEqual(expect.arrayContaining(["livc-coordinator", "livc-member"]));
    expect(persons.find((p) => p.organisation === "fed-ocam")?.roles).toContain("liaison");
  });

  it("persons - writing the demo file back gives the same text (stable format)", () => {
    const text = readFileSync(DEFAULT_PERSONS_PATH, "utf8");
    expect(renderPersons(parsePersons(text, registry))).toBe(text);
  });

  it("persons - SCHAKEL_PERSONS points elsewhere; an explicit file wins", () => {
    const before = process.env.SCHAKEL_PERSONS;
    process.env.SCHAKEL_PERSONS = "elsewhere.json";
    try {
      expect(personsPath()).toBe("elsewhere.json");
      expect(personsPath("mine.json")).toBe("mine.json");
    } finally {
      if (before === undefined) delete process.env.SCHAKEL_PERSONS;
      else process.env.SCHAKEL_PERSONS = before;
    }
    expect(personsPath()).toBe(process.env.SCHAKEL_PERSONS ?? DEFAULT_PERSONS_PATH);
  });

  it("persons - a role that does not fit the organisation names the line, the role and the choices", () => {
    const err = problemOf(threeEntries('{ "id": "m.peeters", "name": "Marc Peeters", "organisation": "mechelen", "roles": ["platform-coordinator"] }'));
    expect(err.problems).toEqual([{ line: 4, field: "roles", message: expect.any(String) }]);
    expect(err.message).toBe(
      'persons.json line 4: person "m.peeters" of "mechelen": role "platform-coordinator" is only for the platform (vpr); use livc-coordinator, livc-member, reader, operator or local-contact-point',
    );
    expect(err.code).toBe("schema");
  });

  it("persons - a local contact point only in a municipality, a knowledge curator only at the knowledge partner; files without them still read", () => {
    expect(problemOf(threeEntries('{ "id": "r.de-vos", "name": "Rik De Vos", "organisation": "pz-mechelen-willebroek", "roles": ["local-contact-point"] }')).message).toMatch(
      /line 4: .*role "local-contact-point" is only for municipalities/,
    );
    expect(problemOf(threeEntries('{ "id": "b.goossens", "name": "Bart Goossens", "organisation": "onderwijs", "roles": ["knowledge-curator"] }')).message).toMatch(
      /line 4: .*role "knowledge-curator" is only for organisations with the registry role "knowledge-partner" \(vvsg\)/,
    );
    // A file of the previous release (no new roles) reads as before, and its persons keep their actions.
    const old = parsePersons(threeEntries('{ "id": "g.aerts", "name": "Greet Aerts", "organisation": "vvsg", "roles": ["reader"] }'), registry);
    expect(old.map((p) => p.roles)).toEqual([["livc-coordinator"], ["reader"], ["liaison"]]);
    expect(actingRole(old[0]!.roles, "raise-signal")).toBe("livc-coordinator");
    expect(actingRole(old[0]!.roles, "confirm-digest")).toBe("livc-coordinator");
    // Who may do what (contracts' person actions): a municipality posts through its contact point; only the curator curates.
    expect(actingRole(["livc-coordinator"], "post-notice")).toBeUndefined();
    expect(actingRole(["livc-coordinator", "local-contact-point"], "post-notice")).toBe("local-contact-point");
    expect(actingRole(["reader"], "curate-knowledge")).toBeUndefined();
    expect(actingRole(["knowledge-curator", "reader"], "curate-knowledge")).toBe("knowledge-curator");
    expect(actingRole(["reader"], "confirm-digest")).toBe("reader");
    expect(actingRole(["reader"], "route-digest-item")).toBeUndefined();
    expect(actingRole(["livc-member"], "provide-signal-info")).toBe("livc-member");
    const demo = loadPersons(DEFAULT_PERSONS_PATH, registry);
    expect(demo.find((p) => p.roles.includes("knowledge-curator"))?.organisation).toBe("vvsg");
    expect(demo.filter((p) => p.roles.includes("local-contact-point")).map((p) => p.organisation).sort()).toEqual(["mechelen", "willebroek"]);
  });

  it("persons - livc members only at LIVC partners, coordinators only in municipalities, liaison only for liaison organisations", () => {
    expect(problemOf(threeEntries('{ "id": "b.goossens", "name": "Bart Goossens", "organisation": "onderwijs", "roles": ["livc-member"] }')).message).toMatch(
      /^persons\.json line 4: .*role "livc-member" is only for organisations with the registry role "livc-partner" \(antwerpen, .*, fed-police, willebroek, pz-mechelen-willebroek, pz-antwerpen, caw-mechelen, jh-mechelen\); use reader or operator$/,
    );
    expect(problemOf(threeEntries('{ "id": "c.dupont", "name": "Claire Dupont", "organisation": "fed-police", "roles": ["livc-coordinator"] }')).message).toMatch(
      /line 4: .*role "livc-coordinator" is only for municipalities/,
    );
    expect(problemOf(threeEntries('{ "id": "s.maes", "name": "Sofie Maes", "organisation": "antwerpen", "roles": ["reader", "liaison"] }')).message).toMatch(
      /line 4: .*role "liaison" is only for organisations with the registry role "liaison" \(vpr, fed-ocam, fed-police, nccn, fed-epi\)/,
    );
    expect(personRolesFor(["platform", "liaison"])).toEqual(["platform-coordinator", "liaison", "reader", "operator"]);
  });

  it("persons - unknown organisation, duplicate id and empty roles each have their message and line", () => {
    expect(problemOf(threeEntries('{ "id": "x.y", "name": "Xavier Y", "organisation": "atlantis", "roles": ["reader"] }')).message).toMatch(
      /^persons\.json line 4: person "x\.y" of "atlantis": unknown organisation "atlantis"; use one of the registry: antwerpen, .*vvsg, willebroek, .*, nccn, fed-epi$/,
    );
    expect(problemOf(threeEntries('{ "id": "p.lambert", "name": "Paul Lambert", "organisation": "gent", "roles": ["reader"] }')).message).toBe(
      'persons.json line 5: person "p.lambert" of "fed-ocam": duplicate id (first on line 4); a person id is unique: choose another, e.g. add a second initial',
    );
    const empty = problemOf(threeEntries('{ "id": "k.claes", "name": "Koen Claes", "organisation": "antwerpen", "roles": [] }'));
    expect(empty.problems).toEqual([{ line: 4, field: "roles", message: `person "k.claes": roles: a person needs at least one role: ${PERSON_ROLES.join(", ")}` }]);
  });

  it("persons - schema problems name the field; the line counts multi-line entries", () => {
    const text = readFileSync(DEFAULT_PERSONS_PATH, "utf8").replace('"id": "m.peeters"', '"id": "Marc Peeters"').replace('"email": "pierre.lambert@ocam.example.be"', '"email": "pierre"');
    const err = problemOf(text);
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length - 1; // the entry's "{" is the line before its id
    expect(err.problems.map((p) => [p.line, p.field])).toEqual([
      [lineOf('"id": "Marc Peeters"'), "id"],
      [lineOf('"id": "p.lambert"'), "email"],
    ]);
    expect(err.message).toMatch(/line \d+: person "Marc Peeters": id: a person id is lower case/);
    expect(err.message.split("\n")[1]).toMatch(/person "p\.lambert": email: an e-mail address/);
  });

  it("persons - malformed JSON names the line and column; a wrong shape says what is expected", () => {
    const broken = threeEntries('{ "id": "m.peeters" "name": "Marc Peeters" }');
    const err = problemOf(broken);
    expect(err.problems[0]?.line).toBe(4);
    expect(err.message).toMatch(/^persons\.json line 4: malformed JSON at column 25: .*; fix the syntax/);
    expect(problemOf('[{ "id": "m.peeters" }]').message).toMatch(/line 1: expected \{ "persons": \[ … \] \}/);
    expect(() => loadPersons("no-such-persons.json", registry)).toThrow(/cannot read the persons file no-such-persons\.json/);
  });
});
