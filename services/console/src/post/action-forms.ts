/**
 * The forms for raising a signal, requesting coordination and answering a request: submitted
 * fields become the catalog's data and are validated with the catalog's own zod schema, plus what
 * only the console knows (the audiences that exist, that a deadline is in the future, that a
 * request goes to someone else). Every problem is reported at its field, in the user's language;
 * nothing is published unless the whole form is valid.
 */
import { catalog, newMessageId, type InputOf, type MessageType } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { en } from "../i18n/en.ts";
import type { Messages } from "../i18n/messages.ts";
import { parseBelgianTime } from "../model/time-window.ts";

/** Messages per field, in the order of the form. */
export type FieldErrors<F extends string> = Partial<Record<F, string[]>>;

export type Checked<F extends string, D> = { ok: true; data: D } | { ok: false; errors: FieldErrors<F> };

export const SIGNAL_FIELDS = ["kind", "severity", "title", "description", "preventionTier", "extremismForms", "escalate"] as const;
export type SignalField = (typeof SIGNAL_FIELDS)[number];

export interface SignalFormInput {
  kind?: string | undefined;
  severity?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  preventionTier?: string | undefined;
  extremismForms?: string[];
  escalate?: boolean;
  /** Chosen when the form was first shown and sent back with it: a repeated submission is the same signal. */
  signalId?: string | undefined;
}

export const REQUEST_FIELDS = ["to", "ask", "topic", "body", "respondBy", "preventionTier"] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

export interface RequestFormInput {
  to?: string | undefined;
  ask?: string | undefined;
  topic?: string | undefined;
  body?: string | undefined;
  /** `YYYY-MM-DDTHH:mm` from a datetime-local input (Belgian time) or an ISO timestamp. */
  respondBy?: string | undefined;
  preventionTier?: string | undefined;
  /** As `signalId`: the request's id, kept through refused submissions. */
  requestId?: string | undefined;
}

export const ANSWER_FIELDS = ["outcome", "answer"] as const;
export type AnswerField = (typeof ANSWER_FIELDS)[number];

export interface AnswerFormInput {
  outcome?: string | undefined;
  answer?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const blank = (s: string | undefined): string | undefined => (s === undefined || s.trim() === "" ? undefined : s.trim());
const idOr = (id: string | undefined): string => (id && UUID.test(id) ? id : newMessageId());

/** `YYYY-MM-DDTHH:mm` (a browser's datetime-local, Belgian time) → ISO; anything else is left for zod to judge. */
function isoOf(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return value;
  const at = parseBelgianTime(value);
  return Number.isNaN(at) ? value : new Date(at).toISOString();
}

type Issue = { code: string; message: string; minimum?: unknown; maximum?: unknown; origin?: unknown };

/** zod's wording for an absent choice or a length is technical (and English): say what to do, in the user's language. */
function plain(t: Messages, issue: Issue, label: string, value: unknown): string {
  const v = t.validation;
  if (issue.code === "invalid_value" && value === undefined) return v.chooseA(label);
  if (issue.code === "too_big" && issue.origin === "array") return v.pickAtMost(String(issue.maximum));
  if (issue.code === "too_small" && issue.origin === "string") return issue.minimum === 1 ? v.required : v.tooShort(String(issue.minimum));
  if (issue.code === "too_big" && issue.origin === "string") return v.tooLong(String(issue.maximum));
  return issue.message;
}

/**
 * Validates `draft` with the catalog schema of `type`; `fieldOf` maps a data field to the form
 * field that shows its problem (`errors` holds the console's own findings, kept in form order).
 */
function check<T extends MessageType, F extends string>(
  type: T, draft: Record<string, unknown>, fields: readonly F[], labels: Record<F, string>, t: Messages, errors: FieldErrors<F>, fieldOf: (path: string) => F,
): Checked<F, InputOf<T>> {
  const parsed = catalog[type].schema.safeParse(draft);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      const field = fieldOf(key);
      (errors[field] ??= []).push(plain(t, issue as Issue, labels[field], draft[key]));
    }
  }
  const ordered: FieldErrors<F> = {};
  for (const f of fields) if (errors[f]) ordered[f] = errors[f];
  if (Object.keys(ordered).length > 0 || !parsed.success) return { ok: false, errors: ordered };
  return { ok: true, data: parsed.data as InputOf<T> };
}

const fieldIn = <F extends string>(fields: readonly F[], fallback: F, rename: Record<string, F> = {}) =>
  (path: string): F => rename[path] ?? ((fields as readonly string[]).includes(path) ? (path as F) : fallback);

/** Validates the signal form; messages in `t`'s language. */
export function validateSignalForm(input: SignalFormInput, t: Messages = en): Checked<SignalField, InputOf<"signal.raised">> {
  const draft: Record<string, unknown> = {
    signalId: idOr(input.signalId), kind: blank(input.kind), severity: blank(input.severity),
    title: input.title ?? "", description: input.description ?? "", escalate: input.escalate === true,
    ...(blank(input.preventionTier) ? { preventionTier: blank(input.preventionTier) } : {}),
    ...(input.extremismForms?.length ? { extremismForms: input.extremismForms } : {}),
  };
  return check("signal.raised", draft, SIGNAL_FIELDS, t.signal.labels, t, {}, fieldIn(SIGNAL_FIELDS, "title"));
}

/**
 * Validates a coordination request from `from` (the person's organisation): the addressee must be
 * an organisation or group of the directory other than `from`, a deadline in the future.
 */
export function validateRequestForm(input: RequestFormInput, from: string, directory: KeyDirectory, t: Messages = en, now = Date.now()): Checked<RequestField, { to: string; data: InputOf<"coordination.requested"> }> {
  const v = t.validation;
  const labels = t.coordination.labels;
  const errors: FieldErrors<RequestField> = {};
  const to = blank(input.to);
  if (!to) errors.to = [v.chooseA(labels.to)];
  else if (!directory.isAudience(to)) errors.to = [v.unknownAudience(to)];
  else if (to === from) errors.to = [v.notYourself];
  const respondBy = blank(input.respondBy);
  const draft: Record<string, unknown> = {
    requestId: idOr(input.requestId), ask: blank(input.ask), topic: input.topic ?? "", body: input.body ?? "",
    ...(respondBy ? { respondBy: isoOf(respondBy) } : {}),
    ...(blank(input.preventionTier) ? { preventionTier: blank(input.preventionTier) } : {}),
  };
  if (respondBy && Date.parse(String(draft.respondBy)) <= now) errors.respondBy = [v.pastDeadline];
  const checked = check("coordination.requested", draft, REQUEST_FIELDS, labels, t, errors, fieldIn(REQUEST_FIELDS, "topic", { requestId: "topic" }));
  return checked.ok ? { ok: true, data: { to: to!, data: checked.data } } : checked;
}

/** Validates an answer to the coordination request `requestId`. */
export function validateAnswerForm(input: AnswerFormInput, requestId: string, t: Messages = en): Checked<AnswerField, InputOf<"coordination.responded">> {
  const draft: Record<string, unknown> = { requestId, outcome: blank(input.outcome), body: input.answer ?? "" };
  return check("coordination.responded", draft, ANSWER_FIELDS, t.coordination.labels, t, {}, fieldIn(ANSWER_FIELDS, "answer", { outcome: "outcome" }));
}
