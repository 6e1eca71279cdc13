/**
 * The platform account's service exports: one per subject shape, not one per tenant and subject.
 * nats-server 2.9 adds each service export in time linear in the exports already there (it looks
 * for the lowest response threshold over all of them), so a config with an exact export per
 * granted subject (about 171 per organisation) loads in time that grows with the square of the
 * registry: 102 058 exports and minutes at 600 organisations.
 *
 * A shape is a grant subject with the tokens that name the tenant replaced by `*`. They are found
 * by rendering the same grants for a probe organisation (same level and roles, an id that no fixed
 * token contains) and replacing every token that holds the probe id. Where a token is exactly the
 * tenant's account name (`coord.*.<org>.>`, `deadletter.<org>.>`, `gate.<org>.create.>`), the
 * export is bound to it with `account_token_position`: the broker accepts an import of that shape
 * only from the account whose name is that token. Where the id is only part of a token (consumer
 * names `<org>--<audience>`, buckets `KV_org-<org>`), the export lists the accounts that import the
 * shape. In both cases each tenant's imports (and its user's permissions) stay exact: they, not the
 * export, decide what a tenant can reach at run time.
 */
import { CONSUMER_GATE, type Organisation } from "@schakel/contracts";
import { gateRequestOf, organisationGrants, type Grant } from "./permissions.ts";

/** One rendered service export of the platform account. */
export interface ServiceExport {
  subject: string;
  /** Pull requests: many replies. */
  stream: boolean;
  /** 1-based token that must equal the importing account's name; undefined when `accounts` decides. */
  tokenPosition?: number;
  /** The accounts allowed to import (only when not bound by `tokenPosition`). */
  accounts: Set<string>;
}

/** A tenant as the exports see it: its account and its grants, with the probe's where it has them. */
export interface ExportingTenant {
  account: string;
  grants: readonly Grant[];
  /** The same grants rendered for the probe organisation, in the same order; undefined: export exactly. */
  probeGrants?: readonly Grant[];
}

/** An id no fixed subject token contains (lower case letters and digits, a valid organisation id). */
export const PROBE_ID = "q0schakelprobe0q";

/**
 * Probe grants by level and roles, what an organisation's grants depend on besides its id
 * (permissions.ts): the 589 municipalities of a national registry share one template, and the
 * shapes read from it (below). Should the grants come to depend on another field, a tenant's grant
 * would not fit its template's shape and serviceExports refuses to render, naming it.
 */
const probeGrantsByKind = new Map<string, Grant[]>();

/** The grants of `org` rendered for the probe id: the template the shapes are read from. */
export function probeGrantsOf(org: Organisation): Grant[] {
  const key = JSON.stringify([org.level, org.roles]);
  let grants = probeGrantsByKind.get(key);
  if (!grants) probeGrantsByKind.set(key, (grants = organisationGrants({ ...org, id: PROBE_ID })));
  return grants;
}

const tokens = (s: string): string[] => s.split(".");

/** Whether every subject `sub` matches is matched by `sup` (NATS wildcards on both sides). */
export function isSubsetSubject(sub: string, sup: string): boolean {
  const a = tokens(sub);
  const b = tokens(sup);
  for (let i = 0; i < b.length; i++) {
    if (b[i] === ">") return a.length > i;
    if (i >= a.length || a[i] === ">") return false;
    if (b[i] !== "*" && (a[i] === "*" || a[i] !== b[i])) return false;
  }
  return a.length === b.length;
}

/** Whether some subject is matched by both. */
function collide(x: string, y: string): boolean {
  const a = tokens(x);
  const b = tokens(y);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === ">" || b[i] === ">") return true;
    if (a[i] !== "*" && b[i] !== "*" && a[i] !== b[i]) return false;
  }
  return a.length === b.length;
}

/** The platform-side subject a grant reaches: the gate's subject for consumer creation and deletion, else itself. */
export function exportedSubject(account: string, g: Grant): string {
  if (g.kind !== "gate") return g.subject;
  const { verb, tail } = gateRequestOf(g);
  return CONSUMER_GATE.subject(account, tail, verb);
}

/** A probe grant's shape and the token that is the probe id (-1: none), by probe subject: the same few for every tenant. */
const probeShapes = new Map<string, { shape: string; at: number }>();

function probeShapeOf(probe: string): { shape: string; at: number } {
  let known = probeShapes.get(probe);
  if (!known) {
    const p = tokens(probe);
    known = { shape: p.map((t) => (t.includes(PROBE_ID) ? "*" : t)).join("."), at: p.indexOf(PROBE_ID) };
    probeShapes.set(probe, known);
  }
  return known;
}

/** Throws unless the tenant's grant `real` fits the shape its probe grant gives. */
function checkFits(real: string, probe: string, account: string): void {
  // Almost always the probe's subject with the tenant's id in its place; otherwise it must still fit the shape.
  if (probe.replaceAll(PROBE_ID, account) === real) return;
  const { shape, at } = probeShapeOf(probe);
  if (!isSubsetSubject(real, shape) || (at >= 0 && tokens(real)[at] !== account)) {
    throw new Error(`the grant ${real} of account ${account} does not fit its shape ${shape}: the grants of an organisation must not depend on its id beyond its tokens`);
  }
}

/** An export's shape: the subject, whether it streams replies, and the bound token position. */
interface Shape {
  subject: string;
  stream: boolean;
  tokenPosition?: number;
  /** `subject stream position`: one export per key. */
  key: string;
}

function shape(subject: string, stream: boolean, tokenPosition?: number): Shape {
  return { subject, stream, ...(tokenPosition !== undefined ? { tokenPosition } : {}), key: `${subject} ${stream} ${tokenPosition ?? 0}` };
}

/** Consumer creation and deletion: one export per verb, bound to the gate subject's tenant token. */
const GATE_POSITION = tokens(CONSUMER_GATE.tenantExport(PROBE_ID)).indexOf(PROBE_ID) + 1;
const gateShape = (g: Grant): Shape => shape(CONSUMER_GATE.tenantExport("*", gateRequestOf(g).verb), false, GATE_POSITION);

/** The shape of each probe grant, by template (computed once per template, whatever the number of tenants sharing it). */
const shapesByTemplate = new WeakMap<readonly Grant[], Shape[]>();

function shapesOf(template: readonly Grant[]): Shape[] {
  let shapes = shapesByTemplate.get(template);
  if (!shapes) {
    shapes = template.map((g) => {
      if (g.kind === "gate") return gateShape(g);
      const { shape: subject, at } = probeShapeOf(g.subject);
      return shape(subject, g.kind === "stream", at >= 0 ? at + 1 : undefined);
    });
    shapesByTemplate.set(template, shapes);
  }
  return shapes;
}

/**
 * The service exports covering every tenant's grants, one per shape. Consumer creation and deletion
 * (the gate's subjects, whose second token is the tenant's account) are one export per verb bound
 * to that token. An
 * export covered by a wider one with the same rule is folded into it. Throws when two exports
 * still overlap: nats-server decides an import by the first wildcard export it finds that covers
 * it (in map order), so no import may be covered by two.
 */
export function serviceExports(tenants: readonly ExportingTenant[]): ServiceExport[] {
  const exports = new Map<string, ServiceExport>();
  for (const t of tenants) {
    const template = t.probeGrants;
    if (template && template.length !== t.grants.length) throw new Error(`the probe grants of account ${t.account} do not match its grants`);
    const shapes = template ? shapesOf(template) : undefined;
    t.grants.forEach((g, i) => {
      const probe = template?.[i];
      if (probe && probe.kind !== g.kind) throw new Error(`the grant ${g.subject} of account ${t.account} is not of its probe grant's kind: the grants of an organisation must not depend on its id`);
      if (probe) checkFits(g.subject, probe.subject, t.account);
      const s = shapes?.[i] ?? (g.kind === "gate" ? gateShape(g) : shape(g.subject, g.kind === "stream"));
      // An export is made once per shape (about 180 grants per tenant fall into some 30 shapes).
      let kept = exports.get(s.key);
      if (!kept) {
        const { key: _key, ...exported } = s;
        exports.set(s.key, (kept = { ...exported, accounts: new Set() }));
      }
      if (kept.tokenPosition === undefined) kept.accounts.add(t.account);
    });
  }
  return withoutCovered([...exports.values()]);
}

/** Folds each export into the widest ones with the same rule that cover it; then no two may overlap. */
function withoutCovered(all: ServiceExport[]): ServiceExport[] {
  const covers = (o: ServiceExport, e: ServiceExport) =>
    o !== e && o.stream === e.stream && o.tokenPosition === e.tokenPosition && isSubsetSubject(e.subject, o.subject) && !isSubsetSubject(o.subject, e.subject);
  const widest = all.filter((e) => !all.some((o) => covers(o, e)));
  for (const e of all) for (const w of widest) if (covers(w, e)) for (const a of e.accounts) w.accounts.add(a);
  for (const [i, a] of widest.entries()) {
    for (const b of widest.slice(i + 1)) {
      if (collide(a.subject, b.subject)) throw new Error(`the service exports ${a.subject} and ${b.subject} overlap: nats-server would pick either for an import`);
    }
  }
  return widest;
}
