/**
 * Personal data stays out of the clear channel. Messages on `coord.*` travel in clear and are kept
 * for years in a stream that cannot be purged, so what identifies a person belongs in a sealed case
 * consultation (`case.*`, shorter retention, readable only by its recipients). Two things are
 * refused in any clear message, at the sending client and at every live receiver:
 * - a Belgian national register number (rijksregisternummer), in any text field: eleven digits
 *   YYMMDD + serial + check, with or without the usual separators (85.07.30-033.28), whose check
 *   digits are 97 − (the first nine digits mod 97), with a 2 put in front of them for people born
 *   from 2000 on; the birth date part may be a bis number's (month + 20 or + 40) or unknown (00);
 * - a case reference written into the text of a coordination request or answer: coordination is
 *   about organising, the case itself is discussed in its consultation.
 * The error names the field and says to use a case consultation.
 */
import type { MessageType } from "./catalog.ts";

export type PersonalDataKind = "national-register-number" | "case-reference";

export interface PersonalDataFound {
  /** The data field, e.g. `body` or `items.2.summary`. */
  field: string;
  kind: PersonalDataKind;
}

/**
 * Eleven digits, grouped as people write them, standing on their own: not part of a longer run of
 * digits or letters (so the hex groups of a message id, e.g. `…-a85073003328`, never match).
 */
const REGISTER_NUMBER = /(?<![\dA-Za-z])(\d{2})[. ]?(\d{2})[. ]?(\d{2})[-. ]?(\d{3})[. ]?(\d{2})(?![\dA-Za-z])/g;
/** A case reference as contracts/src/ids.ts defines it, inside text. */
const CASE_REFERENCE = /(?<![A-Za-z0-9-])[A-Z]{2,8}-[A-Z0-9]{2,8}-\d{4}-\d{1,6}(?![A-Za-z0-9-])/;

/** The types whose free text may not name a case. */
const NO_CASE_IN_TEXT: ReadonlySet<MessageType> = new Set<MessageType>(["coordination.requested", "coordination.responded"]);

const plausibleDate = (month: number, day: number): boolean => {
  const m = month % 20; // bis numbers add 20 or 40 to the month
  return month <= 52 && m <= 12 && day <= 31 && (m !== 0 || day === 0 || month < 20);
};

/** Whether eleven digits are a national register number: a plausible birth date and matching check digits. */
export function isNationalRegisterNumber(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  if (!plausibleDate(Number(digits.slice(2, 4)), Number(digits.slice(4, 6)))) return false;
  const first = Number(digits.slice(0, 9));
  const check = Number(digits.slice(9));
  return 97 - (first % 97) === check || 97 - ((2_000_000_000 + first) % 97) === check;
}

/** Whether `text` contains a national register number. */
export function containsNationalRegisterNumber(text: string): boolean {
  // exec on the one global expression (matchAll would copy it for every text of every message).
  REGISTER_NUMBER.lastIndex = 0;
  for (let m = REGISTER_NUMBER.exec(text); m; m = REGISTER_NUMBER.exec(text)) {
    if (isNationalRegisterNumber(m.slice(1, 6).join(""))) return true;
  }
  return false;
}

/** The first field of a clear message's data that holds personal data, if any. */
export function personalDataInClear(type: MessageType, data: unknown): PersonalDataFound | undefined {
  const found = findIn(data, NO_CASE_IN_TEXT.has(type));
  return found && { field: found.path.reverse().join("."), kind: found.kind };
}

/**
 * Runs on every clear message sent and received, so it allocates nothing on the way: the path is
 * built only for a finding, from its end (each level pushes its own key on the way out).
 */
function findIn(value: unknown, noCase: boolean): { path: string[]; kind: PersonalDataKind } | undefined {
  if (typeof value === "string") {
    if (containsNationalRegisterNumber(value)) return { path: [], kind: "national-register-number" };
    if (noCase && CASE_REFERENCE.test(value)) return { path: [], kind: "case-reference" };
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findIn(value[i], noCase);
      if (found) return (found.path.push(String(i)), found);
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    // A purpose-bound value is ciphertext or a marker (purpose-bound.ts), not clear text.
    if ("purposes" in value && ("sealed" in value || "redacted" in value)) return undefined;
    for (const key of Object.keys(value)) {
      const found = findIn((value as Record<string, unknown>)[key], noCase);
      if (found) return (found.path.push(key), found);
    }
  }
  return undefined;
}

/** What to tell the sender, naming the field. */
export function personalDataAdvice(type: MessageType, found: PersonalDataFound): string {
  const what = found.kind === "national-register-number" ? "a national register number (rijksregisternummer)" : "a case reference";
  return `${type} data.${found.field} holds ${what}: personal data does not travel in clear messages, which are kept for years; share it in a case consultation (sealed to its members)`;
}
