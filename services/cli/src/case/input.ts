/**
 * What a person types for LIVC-R and case commands, checked against the key directory before any
 * connection is made: a case reference, named organisations (never groups: case content is sealed
 * to named members), LIVC-R members with their person roles, and follow-up tasks. Bad input ends
 * with exit 2 and one line naming the option; nothing is published.
 */
import { CaseRef, PERSON_ROLES, personRolesFor, type LivcMember, type PersonRole } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, requireOrganisation } from "../input/checks.ts";
import { parseDeadline } from "../input/time-input.ts";

/** A case reference typed as an argument: pseudonymous, like LIVC-MECH-2026-0042, or exit 2. */
export function requireCaseRef(text: string, what = "CASE_REF"): string {
  if (!CaseRef.safeParse(text).success) {
    throw new CliError(`${what} "${text}" is not a case reference: a pseudonymous reference like LIVC-MECH-2026-0042 (never a name)`, EXIT.usage);
  }
  return text;
}

/** Comma-separated organisations, each known, no duplicates; groups are refused. */
export function parseOrganisations(directory: KeyDirectory, text: string, option: string): string[] {
  const list = [...new Set(text.split(",").map((s) => s.trim()).filter(Boolean))];
  if (list.length === 0) throw new CliError(`${option} is empty: name at least one organisation (see "npx schakel orgs list")`, EXIT.usage);
  for (const org of list) requireOrganisation(directory, org, option);
  return list;
}

/** Free text of an option: not empty, at most `max` characters. */
export function requireText(option: string, text: string, max: number): string {
  const t = text.trim();
  if (!t) throw new CliError(`${option} is empty: write what it says`, EXIT.usage);
  if (t.length > max) throw new CliError(`${option} has ${t.length} characters: at most ${max}`, EXIT.usage);
  return t;
}

/**
 * `--member <org>:<role>[,<role>]` (repeatable): the organisation must be known, each role a
 * person role its persons can hold, and no organisation listed twice.
 */
export function parseMembers(directory: KeyDirectory, texts: readonly string[]): LivcMember[] {
  const members: LivcMember[] = [];
  for (const text of texts) {
    const at = text.indexOf(":");
    if (at <= 0 || at === text.length - 1) {
      throw new CliError(`--member "${text}" is not <org>:<role>[,<role>], e.g. fed-police:liaison or antwerpen:livc-member`, EXIT.usage);
    }
    const org = text.slice(0, at).trim();
    const entry = requireOrganisation(directory, org, "--member");
    const roles = [...new Set(text.slice(at + 1).split(",").map((r) => oneOf("--member", r.trim(), PERSON_ROLES)))];
    const open = personRolesFor(entry.roles);
    const wrong = roles.find((r) => !open.includes(r));
    if (wrong) throw new CliError(`--member ${org}: "${org}" has no persons in role ${wrong}: its persons can be ${open.join(", ")}`, EXIT.usage);
    if (members.some((m) => m.org === org)) throw new CliError(`--member: "${org}" is listed twice: list each member once, with all its roles`, EXIT.usage);
    members.push({ org, roles: roles as PersonRole[] });
  }
  return members;
}

export interface TaskInput {
  owner: string;
  dueBy: Date;
  task: string;
}

/** A deadline at the start of `rest`: an ISO time (which holds ':' itself) or a duration, then ':' and the text. */
const ISO_DEADLINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?):(.*)$/is;

/**
 * `--task <owner>:<deadline>:<text>` (repeatable): the owner a known organisation, the deadline
 * as `--respond-by` takes it (a duration such as 14d, or a time with a zone), the text not empty.
 */
export function parseTask(directory: KeyDirectory, text: string, now = new Date()): TaskInput {
  const usage = `--task "${text}" is not <owner>:<deadline>:<text>, e.g. fed-police:14d:"Check in with the neighbourhood officer" or antwerpen:2026-12-31T17:00+01:00:"Contact the school"`;
  const at = text.indexOf(":");
  if (at <= 0) throw new CliError(usage, EXIT.usage);
  const owner = text.slice(0, at).trim();
  requireOrganisation(directory, owner, "--task");
  const rest = text.slice(at + 1);
  const iso = ISO_DEADLINE.exec(rest);
  const next = rest.indexOf(":");
  const [deadline, task] = iso ? [iso[1]!, iso[2]!] : next > 0 ? [rest.slice(0, next), rest.slice(next + 1)] : [undefined, undefined];
  if (deadline === undefined || task === undefined) throw new CliError(usage, EXIT.usage);
  return { owner, dueBy: parseDeadline(`--task ${owner}`, deadline.trim(), now), task: requireText(`--task ${owner}`, task, 5_000) };
}
