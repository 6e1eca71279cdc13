/**
 * The layout rules of issue 13, as functions from the repository's files to the places that break
 * them. Each violation names the file and line, the import (or literal) and the rule, so a failing
 * check says what to move where.
 */
import path from "node:path";
import { scanSource, type SourceFacts } from "./source-scan.ts";
import { readSource, type SourceFile, type WorkspacePackage } from "./workspace.ts";

export interface Violation {
  /** `path:line`. */
  where: string;
  what: string;
  rule: string;
}

/** A scanned file: where it is and what it imports and writes. */
export interface ScannedFile extends SourceFile {
  facts: SourceFacts;
}

/** Scans every file once; the rules below share the result. */
export function scanAll(files: readonly SourceFile[]): ScannedFile[] {
  return files.map((f) => ({ ...f, facts: scanSource(readSource(f)) }));
}

/** True when the file is `place` or lies in the folder `place`. */
const under = (file: { path: string }, place: string): boolean => file.path === place || file.path.startsWith(`${place}/`);
const NATS_CLIENT = /^@nats-io\//;
const NATS_TRANSPORT = new Set(["@nats-io/transport-node", "@nats-io/jetstream", "@nats-io/kv"]);

/**
 * Code outside test folders that may talk to NATS directly besides the bus client, and why. Test
 * files (a package's test/ folder, `*.test.ts`) are not checked; the helpers of the test suites
 * (their src/ folders) are, so each suite that works around the bus says why here.
 */
export const RAW_NATS_EXCEPTIONS: readonly { folder: string; why: string }[] = [
  { folder: "contracts/src/bus", why: "the bus client: the one place that talks to NATS" },
  { folder: "infra", why: "provisioning and the broker's configuration are admin work" },
  { folder: "test/harness", why: "it starts servers and checks them from outside" },
  { folder: "test/security", why: "it attacks the broker with raw NATS on purpose" },
  { folder: "test/faults", why: "it breaks the broker (kills, partitions, leaf links) and inspects it from outside on purpose" },
  { folder: "test/e2e/src/observer.ts", why: "it checks from outside the bus what the broker stored" },
  { folder: "bench", why: "it measures raw nats.js on purpose, as the baseline for the bus" },
];

/** Domain packages the host runtime must not know: it runs services, it does not hold their behaviour. */
const NOT_FOR_RUNTIME = ["@schakel/organisation", "@schakel/platform", "@schakel/local", "@schakel/flemish", "@schakel/federal", "@schakel/tracing", "@schakel/console", "@schakel/audit", "@schakel/stack"];
const LEVEL_SERVICES = ["@schakel/local", "@schakel/flemish", "@schakel/federal"];

const packageOf = (specifier: string): string => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

function each(files: readonly ScannedFile[], rule: string, check: (file: ScannedFile, specifier: string) => boolean): Violation[] {
  return files.flatMap((file) =>
    file.facts.imports.filter((i) => check(file, i.specifier)).map((i) => ({ where: `${file.path}:${i.line}`, what: `imports "${i.specifier}"`, rule })),
  );
}

/** The contract vocabulary (contracts/src outside bus/) imports no NATS package. */
export function vocabularyWithoutNats(files: readonly ScannedFile[]): Violation[] {
  const vocabulary = files.filter((f) => under(f, "contracts/src") && !under(f, "contracts/src/bus"));
  return each(vocabulary, "the contract vocabulary imports no @nats-io package; NATS belongs in contracts/src/bus", (_f, s) => NATS_CLIENT.test(s));
}

/** Production code reaches NATS only through the bus client, except the listed folders. */
export function transportOnlyInBus(files: readonly ScannedFile[]): Violation[] {
  const checked = files.filter((f) => f.production && !RAW_NATS_EXCEPTIONS.some((e) => under(f, e.folder)));
  return each(checked, "only the bus client (contracts/src/bus) opens connections, streams and buckets: use @schakel/contracts/bus", (_f, s) => NATS_TRANSPORT.has(packageOf(s)));
}

/**
 * Nothing outside the bus client reaches for a connection's `nc` or JetStream context `js` (the
 * bus keeps its transport private), except the folders that may talk to NATS directly.
 */
export function noTransportHandles(files: readonly ScannedFile[]): Violation[] {
  const checked = files.filter((f) => f.production && !RAW_NATS_EXCEPTIONS.some((e) => under(f, e.folder)));
  return checked.flatMap((file) => [...file.facts.code.matchAll(/[\w$)\]]\??\.(nc|js)\b/g)].map((m) => ({
    where: `${file.path}:${file.facts.code.slice(0, m.index).split("\n").length}`,
    what: `uses ".${m[1]}"`,
    rule: "the bus keeps its connection and JetStream context private: ask the bus client for the operation you need",
  })));
}

/**
 * Packages meet only through `@schakel/<name>` and its declared `exports`: no relative path out of
 * the package folder, no deep import of an undeclared subpath.
 */
export function noForeignInternals(files: readonly ScannedFile[], packages: readonly WorkspacePackage[]): Violation[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  return files.flatMap((file) => file.facts.imports.flatMap((i): Violation[] => {
    const where = `${file.path}:${i.line}`;
    if (i.specifier.startsWith(".")) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file.path), i.specifier));
      if (under({ path: target }, file.pkg.dir)) return [];
      return [{ where, what: `imports "${i.specifier}" (${target})`, rule: `a relative import stays inside its package (${file.pkg.dir}); import the other package by its name` }];
    }
    if (!i.specifier.startsWith("@schakel/")) return [];
    const name = packageOf(i.specifier);
    const target = byName.get(name);
    const subpath = `.${i.specifier.slice(name.length)}`;
    if (!target) return [{ where, what: `imports "${i.specifier}"`, rule: `${name} is not a workspace package` }];
    if (target.exports.includes(subpath)) return [];
    return [{ where, what: `imports "${i.specifier}"`, rule: `${name} exports only ${target.exports.join(", ") || "nothing"}; import what it exports, or ask its owner to export it` }];
  }));
}

/** The CLI hosts no level service (the stack does), and the runtime knows no domain. */
export function forbiddenPackages(files: readonly ScannedFile[]): Violation[] {
  const cli = files.filter((f) => f.pkg.name === "@schakel/cli" && f.production);
  const runtime = files.filter((f) => f.pkg.name === "@schakel/runtime" && f.production);
  return [
    ...each(cli, "the CLI imports no level service; `up` runs them through @schakel/stack, behaviour lives in @schakel/organisation", (_f, s) => LEVEL_SERVICES.includes(packageOf(s))),
    ...each(runtime, "services/runtime hosts services and knows no domain package", (_f, s) => NOT_FOR_RUNTIME.includes(packageOf(s))),
  ];
}

// A subject written by hand: coord.<…>, deadletter.<…>, $JS.<…>, case.<audience>.<sender>.case.<…>
// (a bare `case.` is also the start of the case message types, which are not subjects).
const SUBJECT_LITERAL = /^(?:coord\.|deadletter\.|\$JS\.|case\.(?:[>*]|[^.\s]+\.[^.\s]+\.case\.))/;

/** Subject strings are built only in contracts/ (and infra/, which renders the broker's grants). */
export function subjectsOnlyInContracts(files: readonly ScannedFile[]): Violation[] {
  const checked = files.filter((f) => f.production && !under(f, "contracts") && !under(f, "infra"));
  return checked.flatMap((file) =>
    file.facts.literals.filter((l) => SUBJECT_LITERAL.test(l.text)).map((l) => ({
      where: `${file.path}:${l.line}`, what: `writes the subject "${l.text.slice(0, 60)}"`,
      rule: "subjects are built only by the functions in contracts/ (subjects.ts, jsapi.ts)",
    })),
  );
}

/** One line per violation, for a failure message. */
export function describe(violations: readonly Violation[]): string[] {
  return violations.map((v) => `${v.where}: ${v.what} — ${v.rule}`);
}
