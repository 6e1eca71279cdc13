/**
 * Checks of what a person typed against the key directory and the catalog, done before any
 * connection is made: bad input ends with exit 2 and one line naming the problem, and nothing is
 * published.
 */
import { AUDIENCE_GROUPS, catalog, EXTREMISM_FORMS, MessageId, personalDataAdvice, personalDataInClear, ROOTS, rootOfType, SchemaError, type ExtremismForm, type InputOf, type MessageType } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { CliError, EXIT } from "../exit-codes.ts";

const known = (directory: KeyDirectory): string => directory.organisations.map((o) => o.id).join(", ");

/** The organisation `org`, or exit 2 listing the known ones. */
export function requireOrganisation(directory: KeyDirectory, org: string, option = "--as") {
  const entry = directory.organisation(org);
  if (!entry) throw new CliError(`${option}: unknown organisation "${org}"; known: ${known(directory)}`, EXIT.usage);
  return entry;
}

/** `org` exists and holds a role that may send `type` (the catalog's senders). */
export function requireSender(directory: KeyDirectory, org: string, type: MessageType): void {
  const entry = requireOrganisation(directory, org);
  const senders = catalog[type].senders;
  if (!senders.some((r) => entry.roles.includes(r))) {
    throw new CliError(`--as ${org}: "${org}" (${entry.roles.join(", ")}) may not send ${type}; that takes the role ${senders.join(" or ")}`, EXIT.usage);
  }
}

/** A comma-separated audience list: organisation ids or groups, each known, no duplicates. */
export function parseAudiences(directory: KeyDirectory, text: string, option = "--to"): string[] {
  const list = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new CliError(`${option} is empty: name at least one organisation or group (${AUDIENCE_GROUPS.join(", ")})`, EXIT.usage);
  for (const a of list) {
    if (!directory.isAudience(a)) {
      throw new CliError(`${option}: unknown audience "${a}"; use an organisation (${known(directory)}) or a group (${AUDIENCE_GROUPS.join(", ")})`, EXIT.usage);
    }
  }
  return [...new Set(list)];
}

/** One allowed value of a closed list (category, severity, …), or exit 2 listing them. */
export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`${option} "${value}" is not one of ${allowed.join(", ")}`, EXIT.usage);
}

/**
 * Validates message data with the catalog schema before connecting. A failing field is reported
 * as the option it came from (`fields` maps data paths to options, e.g. title → --title).
 */
export function validateData<T extends MessageType>(type: T, data: InputOf<T>, fields: Record<string, string>): void {
  const parsed = catalog[type].schema.safeParse(data);
  if (parsed.success) {
    // Clear messages carry no personal data (a register number, a case reference in coordination).
    const found = rootOfType(type) === ROOTS.coord ? personalDataInClear(type, parsed.data) : undefined;
    const option = found ? fields[found.field.split(".")[0] ?? ""] : undefined;
    if (found) throw new CliError(option ? `${option}: ${personalDataAdvice(type, found).replace(/^.* holds /, "holds ")}` : personalDataAdvice(type, found), EXIT.usage);
    return;
  }
  const err = SchemaError.fromZod(`${type} data`, parsed.error);
  const issue = err.issues[0]!;
  const top = issue.path.split(".")[0] ?? "";
  const option = fields[top];
  throw new CliError(option ? `${option}: ${issue.message}` : err.message, EXIT.usage);
}

/** An id typed as an argument (notice id, request id): a lower-case UUID, or exit 2. */
export function requireMessageId(id: string, what: string, printedBy: string): string {
  if (!MessageId.safeParse(id).success) throw new CliError(`${what} "${id}" is not an id (a lower-case UUID as printed by "npx schakel ${printedBy}")`, EXIT.usage);
  return id;
}

/** Comma-separated forms of extremism for --forms. */
export function parseForms(text: string | undefined): ExtremismForm[] | undefined {
  return text?.split(",").map((f) => oneOf("--forms", f.trim(), EXTREMISM_FORMS));
}

/**
 * A whole number of at least `min` (and at most `max`, when given) typed for `option`; undefined
 * when not given. @throws CliError (exit 2) for anything else, naming the option and the range.
 */
export function wholeNumber(option: string, text: string | undefined, min: number, max?: number): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= min && n <= (max ?? Number.MAX_SAFE_INTEGER))) {
    throw new CliError(`${option} "${text}" is not a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`, EXIT.usage);
  }
  return n;
}
