/**
 * The "post a notice" form: turns submitted fields into `notice.posted` data and validates it
 * with the catalog's own zod schema, plus what only the console can know (who the user may post
 * as, which audiences exist and, for a municipality, which are near it, that a deadline is not
 * already past). Every problem is reported at its field; nothing is published unless the whole
 * form is valid.
 */
import { catalog, nearbyAudienceIssue, nearbyMunicipalities, newMessageId, type InputOf } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { en } from "../i18n/en.ts";
import type { Messages } from "../i18n/messages.ts";
import { parseBelgianTime } from "../model/time-window.ts";

/** The fields of the form, as submitted (strings, or lists for the multi-valued ones). */
export interface NoticeFormInput {
  from?: string;
  recipients?: string[];
  title?: string;
  body?: string;
  category?: string;
  ackRequired?: boolean;
  /** `YYYY-MM-DDTHH:mm` from a datetime-local input (Belgian time) or an ISO timestamp. */
  ackBy?: string;
  preventionTier?: string;
  extremismForms?: string[];
  caseRef?: string;
  /**
   * The notice's id, chosen when the form was first shown and sent back with it (hidden), so a
   * submission repeated after a failure posts the same notice, never a second one.
   */
  noticeId?: string;
}

export type NoticeField = Exclude<keyof NoticeFormInput, "noticeId">;
export type FieldErrors = Partial<Record<NoticeField, string[]>>;

export type NoticeFormResult =
  | { ok: true; from: string; audiences: string[]; data: InputOf<"notice.posted"> }
  | { ok: false; errors: FieldErrors };

/** The fields in the order of the form (the catalogs hold their labels). */
const FIELDS: readonly NoticeField[] = ["from", "recipients", "title", "body", "category", "ackRequired", "ackBy", "preventionTier", "extremismForms", "caseRef"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const blank = (s: string | undefined): string | undefined => (s === undefined || s.trim() === "" ? undefined : s.trim());

/** `YYYY-MM-DDTHH:mm` (what browsers submit, read as Belgian time) → ISO; anything else is passed on for zod to judge. */
function deadlineOf(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) {
    const at = parseBelgianTime(value);
    if (!Number.isNaN(at)) return new Date(at).toISOString();
  }
  return value;
}

// zod's wording for an absent choice, an empty field or a list is technical (and English); say
// what to do instead, in the user's language. Other messages are the schema's own.
function plainMessage(t: Messages, issue: { code: string; message: string; minimum?: unknown; maximum?: unknown; origin?: unknown }, field: NoticeField, value: unknown): string {
  const v = t.validation;
  if (issue.code === "invalid_value" && value === undefined) return v.chooseA(t.post.labels[field]);
  if (issue.code === "too_small" && issue.origin === "array") return field === "recipients" ? v.pickRecipient : v.pickAtLeast(String(issue.minimum));
  if (issue.code === "too_big" && issue.origin === "array") return v.pickAtMost(String(issue.maximum));
  if (issue.code === "too_small" && issue.origin === "string") return issue.minimum === 1 ? v.required : v.tooShort(String(issue.minimum));
  if (issue.code === "too_big" && issue.origin === "string") return v.tooLong(String(issue.maximum));
  return issue.message;
}

/** Errors listed in the order of the form's fields, so the summary reads top to bottom. */
function inFormOrder(errors: FieldErrors): FieldErrors {
  const ordered: FieldErrors = {};
  for (const f of FIELDS) if (errors[f]) ordered[f] = errors[f];
  return ordered;
}

/** Validates the form; `senders` are the organisations this console may post as; messages in `t`'s language. */
export function validateNoticeForm(input: NoticeFormInput, senders: string[], directory: KeyDirectory, t: Messages = en, now = Date.now()): NoticeFormResult {
  const v = t.validation;
  const errors: FieldErrors = {};
  const add = (field: NoticeField, message: string) => (errors[field] ??= []).push(message);

  const from = blank(input.from);
  if (!from || !senders.includes(from)) add("from", v.chooseSender(senders.join(", ") || v.noSenders));

  const recipients = [...new Set((input.recipients ?? []).map((r) => r.trim()).filter(Boolean))];
  const unknown = recipients.filter((r) => !directory.isAudience(r));
  if (unknown.length) add("recipients", v.unknownAudience(unknown.join(", ")));
  // A municipality reaches only the municipalities near it (the contracts' rule, which the bus
  // applies again): said at the field, in the reader's language, naming whom it may address.
  const sender = from ? directory.organisation(from) : undefined;
  const far = sender ? recipients.filter((r) => !unknown.includes(r) && nearbyAudienceIssue(catalog["notice.posted"], sender, r, (id) => directory.organisation(id)) !== undefined) : [];
  if (sender && far.length) {
    const nearby = nearbyMunicipalities(sender, directory.organisations);
    add("recipients", v.notNearby(sender.id, far.join(", "), sender.province ?? t.common.none, nearby.length ? nearby.join(", ") : t.common.none));
  }

  const ackBy = blank(input.ackBy);
  const draft: Record<string, unknown> = {
    noticeId: input.noticeId && UUID.test(input.noticeId) ? input.noticeId : newMessageId(),
    title: input.title ?? "",
    body: input.body ?? "",
    category: blank(input.category),
    recipients,
    ackRequired: input.ackRequired === true,
    ...(ackBy ? { ackBy: deadlineOf(ackBy) } : {}),
    ...(blank(input.preventionTier) ? { preventionTier: blank(input.preventionTier) } : {}),
    ...(input.extremismForms?.length ? { extremismForms: input.extremismForms } : {}),
    ...(blank(input.caseRef) ? { caseRef: blank(input.caseRef) } : {}),
  };
  const parsed = catalog["notice.posted"].schema.safeParse(draft);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "") as NoticeField;
      const target: NoticeField = FIELDS.includes(field) ? field : "title";
      add(target, plainMessage(t, issue, target, draft[field]));
    }
  }
  if (ackBy && !errors.ackBy && Date.parse(String(draft.ackBy)) <= now) add("ackBy", v.pastDeadline);
  if (ackBy && input.ackRequired !== true && !errors.ackBy) add("ackBy", v.deadlineNeedsAck(t.post.labels.ackRequired));

  if (Object.keys(errors).length > 0 || !parsed.success || !from) return { ok: false, errors: inFormOrder(errors) };
  return { ok: true, from, audiences: recipients, data: parsed.data as InputOf<"notice.posted"> };
}
