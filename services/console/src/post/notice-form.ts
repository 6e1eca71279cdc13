/**
 * The "post a notice" form: turns submitted fields into `notice.posted` data and validates it
 * with the catalog's own zod schema, plus what only the console can know (who the user may post
 * as, which audiences exist, that a deadline is not already past). Every problem is reported at
 * its field; nothing is published unless the whole form is valid.
 */
import { catalog, newMessageId, type InputOf } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";

/** The fields of the form, as submitted (strings, or lists for the multi-valued ones). */
export interface NoticeFormInput {
  from?: string;
  recipients?: string[];
  title?: string;
  body?: string;
  category?: string;
  ackRequired?: boolean;
  /** `YYYY-MM-DDTHH:mm` from a datetime-local input (the console's local time) or an ISO timestamp. */
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

const LABELS: Record<NoticeField, string> = {
  from: "Post as", recipients: "Recipients", title: "Title", body: "Text", category: "Category", ackRequired: "Acknowledgement required",
  ackBy: "Acknowledge by", preventionTier: "Prevention tier", extremismForms: "Forms of extremism", caseRef: "Case reference",
};

/** The label of a field, for messages that name it. */
export const fieldLabel = (f: NoticeField): string => LABELS[f];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const blank = (s: string | undefined): string | undefined => (s === undefined || s.trim() === "" ? undefined : s.trim());

/** Local `YYYY-MM-DDTHH:mm` (what browsers submit) → ISO with offset; anything else is passed on for zod to judge. */
function deadlineOf(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return value;
}

// zod's wording for an absent choice or an empty list is technical; say what to do instead.
function plainMessage(issue: { code: string; message: string; minimum?: unknown; maximum?: unknown; origin?: unknown }, field: NoticeField, value: unknown): string {
  if (issue.code === "invalid_value" && value === undefined) return `choose a ${LABELS[field].toLowerCase()}`;
  if (issue.code === "too_small" && issue.origin === "array") {
    return field === "recipients" ? "pick at least one organisation or group to send it to" : `pick at least ${String(issue.minimum)}`;
  }
  if (issue.code === "too_big" && issue.origin === "array") return `pick at most ${String(issue.maximum)}`;
  return issue.message;
}

/** Errors listed in the order of the form's fields, so the summary reads top to bottom. */
function inFormOrder(errors: FieldErrors): FieldErrors {
  const ordered: FieldErrors = {};
  for (const f of Object.keys(LABELS) as NoticeField[]) if (errors[f]) ordered[f] = errors[f];
  return ordered;
}

/** Validates the form; `senders` are the organisations this console may post as. */
export function validateNoticeForm(input: NoticeFormInput, senders: string[], directory: KeyDirectory, now = Date.now()): NoticeFormResult {
  const errors: FieldErrors = {};
  const add = (field: NoticeField, message: string) => (errors[field] ??= []).push(message);

  const from = blank(input.from);
  if (!from || !senders.includes(from)) add("from", `choose one of the organisations you may post as: ${senders.join(", ") || "none (no liaison credentials in the data folder)"}`);

  const recipients = [...new Set((input.recipients ?? []).map((r) => r.trim()).filter(Boolean))];
  const unknown = recipients.filter((r) => !directory.isAudience(r));
  if (unknown.length) add("recipients", `unknown audience ${unknown.join(", ")}: pick organisations or groups from the list`);

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
      const target: NoticeField = field in LABELS ? field : "title";
      add(target, plainMessage(issue, target, draft[field]));
    }
  }
  if (ackBy && !errors.ackBy && Date.parse(String(draft.ackBy)) <= now) add("ackBy", "the deadline is already past: pick a moment in the future");
  if (ackBy && input.ackRequired !== true && !errors.ackBy) add("ackBy", `a deadline only applies when "${LABELS.ackRequired}" is ticked: tick it or clear the deadline`);

  if (Object.keys(errors).length > 0 || !parsed.success || !from) return { ok: false, errors: inFormOrder(errors) };
  return { ok: true, from, audiences: recipients, data: parsed.data as InputOf<"notice.posted"> };
}
