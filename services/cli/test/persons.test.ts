/**
 * `schakel persons list|add|disable` on a copy of the demo persons file: add then list shows the
 * person, a duplicate or a role that does not fit is refused with exit 2 and the file unchanged,
 * and disabling keeps the entry and marks it. No bus is needed.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Person } from "@schakel/contracts";
import { DEFAULT_PERSONS_PATH } from "@schakel/infra";
import { runBinary, runInProcess } from "./support/run-cli.ts";

let dir: string;
let file: string;
const f = () => ["--file", file];
const persons = (): Person[] => (JSON.parse(readFileSync(file, "utf8")) as { persons: unknown[] }).persons.map((p) => Person.parse(p));
const ruben = ["--id", "r.de-backer", "--name", "Ruben De Backer", "--org", "mechelen", "--role", "livc-member,reader", "--email", "ruben@mechelen.example.be"];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "schakel-persons-"));
  file = join(dir, "persons.json");
  copyFileSync(DEFAULT_PERSONS_PATH, file);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cli persons", () => {
  it("persons - list shows a table of enabled persons, filtered by organisation and role", async () => {
    const r = await runInProcess(["persons", "list", ...f(), "--org", "mechelen"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ORGANISATION\s+ROLES\s+STATE$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(["l.peeters", "m.peeters"]);
    const json = await runInProcess(["persons", "list", ...f(), "--role", "liaison", "--json"]);
    expect((JSON.parse(json.stdout) as Person[]).map((p) => p.organisation).sort()).toEqual(["fed-epi", "fed-ocam", "fed-police", "nccn", "vpr"]);
  });

  it("persons - add then list shows the person; the rest of the file is unchanged", async () => {
    const before = readFileSync(file, "utf8");
    const r = await runInProcess(["persons", "add", ...f(), ...ruben, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: "r.de-backer", organisation: "mechelen", roles: ["livc-member", "reader"] });
    const after = readFileSync(file, "utf8");
    expect(after.startsWith(before.slice(0, before.lastIndexOf("    }")))).toBe(true);
    const list = await runInProcess(["persons", "list", ...f(), "--org", "mechelen", "--json"]);
    expect((JSON.parse(list.stdout) as Person[]).map((p) => p.id)).toEqual(["l.peeters", "m.peeters", "r.de-backer"]);
  });

  it("persons - a duplicate id is refused with exit 2 and the file is unchanged (real binary)", async () => {
    const before = readFileSync(file, "utf8");
    const r = await runBinary(["persons", "add", ...f(), ...ruben]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: --id "r\.de-backer": this id is taken by Ruben De Backer of mechelen; person ids are never reused/);
    expect(r.stdout).toBe("");
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("persons - a role that does not fit, an unknown organisation or a bad field is refused naming the option", async () => {
    const before = readFileSync(file, "utf8");
    const add = (...args: string[]) => runInProcess(["persons", "add", ...f(), "--name", "Nele Wuyts", ...args]);
    const cases: [string[], RegExp][] = [
      [["--id", "n.wuyts", "--org", "mechelen", "--role", "platform-coordinator"], /--role: role "platform-coordinator" is only for the platform \(vpr\); use livc-coordinator, livc-member, reader, operator or local-contact-point/],
      [["--id", "n.wuyts", "--org", "atlantis", "--role", "reader"], /--org: unknown organisation "atlantis"/],
      [["--id", "n.wuyts", "--org", "gent", "--role", "boss"], /--role: .*platform-coordinator/],
      [["--id", "Nele", "--org", "gent", "--role", "reader"], /--id: a person id is lower case/],
      [["--id", "n.wuyts", "--org", "gent", "--role", "reader", "--email", "nele"], /--email: an e-mail address/],
    ];
    for (const [args, message] of cases) {
      const r = await add(...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("persons - disable keeps the person and marks it; twice is exit 0 with a note", async () => {
    const r = await runInProcess(["persons", "disable", "m.peeters", ...f(), "--reason", "left the city"]);
    expect(r.code, r.stderr).toBe(0);
    const marked = persons().find((p) => p.id === "m.peeters");
    expect(marked?.disabled?.reason).toBe("left the city");
    expect(Date.parse(marked!.disabled!.at)).toBeGreaterThan(Date.now() - 60_000);
    const again = await runInProcess(["persons", "disable", "m.peeters", ...f(), "--reason", "again", "--json"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already disabled .*left the city.*nothing changed/);
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadyDisabled: true, disabled: { reason: "left the city" } });
    const shown = await runInProcess(["persons", "list", ...f(), "--org", "mechelen"]);
    expect(shown.stdout).not.toMatch(/m\.peeters/);
    const all = await runInProcess(["persons", "list", ...f(), "--org", "mechelen", "--all"]);
    expect(all.stdout).toMatch(/m\.peeters\s+Marc Peeters\s+mechelen\s+livc-member\s+disabled \d{4}-\d{2}-\d{2}/);
    const unknown = await runInProcess(["persons", "disable", "z.nobody", ...f(), "--reason", "typo"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown person "z\.nobody"/);
  });

  it("persons - a broken persons file is reported with its line, exit 2", async () => {
    const broken = join(dir, "broken.json");
    copyFileSync(file, broken);
    const text = readFileSync(broken, "utf8").replace('"organisation": "gent"', '"organisation": "narnia"');
    const line = text.slice(0, text.indexOf('"narnia"')).split("\n").length - 3; // id, name, organisation: the "{" is 3 lines up
    writeFileSync(broken, text);
    const r = await runInProcess(["persons", "list", "--file", broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: broken\\.json line ${line}: person "j\\.de-smet" of "narnia": unknown organisation "narnia"`));
  });
});
