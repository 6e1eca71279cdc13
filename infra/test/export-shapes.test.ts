/**
 * The platform account exports one service per subject shape: the count does not grow with the
 * registry (nats-server 2.9's load time grows with the square of it), every tenant's grant is
 * covered by exactly one export, and that export is bound to the tenant's account.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureIdentities, renderAccounts, tenantsOf, type Identities } from "../src/mod.ts";
import { exportedSubject, isSubsetSubject, probeGrantsOf, serviceExports } from "../src/export-shapes.ts";
import { generatedRegistry } from "../src/generated-registry.ts";

const small = generatedRegistry(13);
const large = generatedRegistry(150);
let dir: string;
let smallIds: Identities;
let largeIds: Identities;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "schakel-exports-"));
  smallIds = await ensureIdentities(small, join(dir, "small"));
  largeIds = await ensureIdentities(large, join(dir, "large"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The platform account's exports as rendered: services (not imports, which name an account) and streams. */
function renderedExports(text: string): { services: number; streams: number } {
  const block = text.slice(text.indexOf("exports: ["), text.indexOf("\n      ]", text.indexOf("exports: [")));
  return { services: block.match(/\{ service: "/g)?.length ?? 0, streams: block.match(/\{ stream: "/g)?.length ?? 0 };
}

describe("exports - one per subject shape", () => {
  it("exports - the service exports are the same at 13 and 150 organisations; stream exports are one per tenant", () => {
    const at13 = renderedExports(renderAccounts(small, smallIds));
    const at150 = renderedExports(renderAccounts(large, largeIds));
    expect(at13.services).toBeGreaterThan(0);
    expect(at150.services).toBe(at13.services);
    // One reply-inbox stream export per tenant (the organisations and the audit).
    expect(at13.streams).toBe(small.organisations.length + 1);
    expect(at150.streams - at13.streams).toBe(large.organisations.length - small.organisations.length);
  });

  it("exports - every grant of every tenant is covered by exactly one export, bound to its account or listing it", () => {
    const tenants = tenantsOf(large, largeIds);
    const exports = serviceExports(tenants);
    let bound = 0;
    for (const t of tenants) {
      for (const g of t.grants) {
        const subject = exportedSubject(t.account, g);
        const covering = exports.filter((e) => isSubsetSubject(subject, e.subject));
        expect(covering.map((e) => e.subject), `${t.account}: ${subject}`).toHaveLength(1);
        const e = covering[0]!;
        expect(e.stream, `${t.account}: ${subject} response type`).toBe(g.kind === "stream");
        if (e.tokenPosition !== undefined) {
          bound++;
          expect(subject.split(".")[e.tokenPosition - 1], `${t.account}: ${subject} bound token`).toBe(t.account);
        } else {
          expect(e.accounts.has(t.account), `${t.account}: ${subject} in the accounts of ${e.subject}`).toBe(true);
        }
      }
    }
    // Publishing as itself, dead letters and consumer creation and deletion are bound by the token for every organisation.
    expect(bound).toBeGreaterThanOrEqual(large.organisations.length * 3);
  });

  it("imports - an organisation imports the same subjects at 13 and 150 organisations, its consumer creates and deletes in one import per verb", () => {
    const accountOf = (text: string, id: string): string => text.slice(text.indexOf(`${JSON.stringify(id)}: {`), text.indexOf("\n    }", text.indexOf(`${JSON.stringify(id)}: {`)));
    const importsOf = (text: string, id: string) => {
      const block = accountOf(text, id);
      return block.slice(block.indexOf("imports: [")).split("\n").filter((l) => l.includes("{ service: "));
    };
    const at13 = renderAccounts(small, smallIds);
    const at150 = renderAccounts(large, largeIds);
    for (const id of ["gemeente-0001", "fed-ocam", "vpr", "jh-mechelen"]) {
      const few = importsOf(at13, id);
      expect(importsOf(at150, id), id).toEqual(few);
      // Into the gate: exactly two, each only the tenant's own gate subjects.
      expect(few.filter((l) => l.includes('"$JS.API.CONSUMER.CREATE') || l.includes('"$JS.API.CONSUMER.DELETE')), id).toEqual([
        `      { service: { account: "SCHAKEL", subject: "gate.${id}.create.>" }, to: "$JS.API.CONSUMER.CREATE.>" }`,
        `      { service: { account: "SCHAKEL", subject: "gate.${id}.delete.>" }, to: "$JS.API.CONSUMER.DELETE.>" }`,
      ]);
    }
  });

  it("exports - organisations of one level and roles share one template; a grant that does not fit its template is refused, naming it", () => {
    const [a, b] = large.organisations.filter((o) => o.roles.includes("municipality"));
    expect(probeGrantsOf(a!)).toBe(probeGrantsOf(b!));
    const tenants = tenantsOf(small, smallIds);
    const index = tenants.findIndex((t) => t.account === "gemeente-0001");
    const t = tenants[index]!;
    const i = t.grants.findIndex((g) => g.kind === "request" && g.subject.includes("gemeente-0001"));
    // As if a grant came to depend on something else than the organisation's id (its neighbour, say).
    const other = t.grants[i]!.subject.replace("gemeente-0001", "gemeente-0002");
    const altered = (grants: typeof t.grants) => tenants.map((x, j) => (j === index ? { ...x, grants } : x));
    expect(() => serviceExports(altered(t.grants.map((g, j) => (j === i ? { ...g, subject: other } : g))))).toThrow(`the grant ${other} of account gemeente-0001 does not fit its shape`);
    expect(() => serviceExports(altered(t.grants.map((g, j) => (j === i ? { ...g, kind: "stream" as const } : g))))).toThrow(/of account gemeente-0001 is not of its probe grant's kind/);
  });

  it("exports - the generated registry is refused below the demo registry's fixed organisations", () => {
    expect(() => generatedRegistry(3)).toThrow(/organisations must be a whole number from 11/);
    expect(generatedRegistry(20).organisations.filter((o) => o.level === "local")).toHaveLength(9);
  });
});
