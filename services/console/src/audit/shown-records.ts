/**
 * What a view shows, as the read audit names it: the envelope ids of the records shown and the
 * case each is about. A notice is named by the envelope ids of its copies (notice.posted, one per
 * audience), or by its notice id while no copy was read yet.
 */
import type { NoticeState } from "../model/notice-book.ts";
import type { ReadModel } from "../model/read-model.ts";
import type { ShownRecord } from "./read-log.ts";

/** The notices shown, each with its case reference (notices without one are not sensitive). */
export function shownNotices(model: ReadModel, notices: readonly NoticeState[]): ShownRecord[] {
  return notices.filter((n) => n.caseRef).flatMap((n) => {
    const copies = model.lookup(n.noticeId).records.filter((r) => r.type === "notice.posted").map((r) => r.id);
    return (copies.length ? copies : [n.noticeId]).map((id) => ({ id, caseRef: n.caseRef }));
  });
}
