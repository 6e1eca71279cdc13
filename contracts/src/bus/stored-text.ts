/**
 * The data schema check, with the transition for free text written before control characters
 * were refused. A message without the `Content-Type` header was sent by an earlier release, which
 * let titles and bodies hold control characters; such a message stays readable (feeds, traces,
 * replays, the audit) with each refused character replaced by U+FFFD, so nothing hidden reaches a
 * screen. A message with the header is held to the current rule: a control character is refused
 * (`invalid-data`, naming the field).
 */
import type { z } from "zod";
import { CONTROL_CHARACTER_ISSUE, FORBIDDEN_IN_BODY, FORBIDDEN_IN_LINE } from "../messages/common.ts";

const REPLACEMENT = "\uFFFD";
const everywhere = new RegExp(FORBIDDEN_IN_BODY.source, "gu");
const inLine = new RegExp(FORBIDDEN_IN_LINE.source, "gu");

const isControlIssue = (issue: z.core.$ZodIssue): boolean => issue.message.startsWith(CONTROL_CHARACTER_ISSUE);

/** `value` with the string at `path` passed through `fix` (a copy; `value` is untouched). */
function fixAt(value: unknown, path: readonly PropertyKey[], fix: (s: string) => string): unknown {
  if (path.length === 0) return typeof value === "string" ? fix(value) : value;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? fixAt(v, rest, fix) : v));
  if (value && typeof value === "object") return { ...value, [head as string]: fixAt((value as Record<string, unknown>)[head as string], rest, fix) };
  return value;
}

/**
 * Parses `data` with `schema`. With `legacy` (a message from before the rule), the fields refused
 * only for control characters are read with them replaced: first those forbidden in every text,
 * then, in one-line fields, line breaks and tabs too.
 */
export function parseStoredText<S extends z.ZodType>(schema: S, data: unknown, legacy: boolean): z.ZodSafeParseResult<z.output<S>> {
  let result = schema.safeParse(data);
  for (const pattern of [everywhere, inLine]) {
    if (result.success || !legacy || !result.error.issues.every(isControlIssue)) return result;
    let fixed = data;
    for (const issue of result.error.issues) fixed = fixAt(fixed, issue.path, (s) => s.replace(pattern, REPLACEMENT));
    data = fixed;
    result = schema.safeParse(data);
  }
  return result;
}
