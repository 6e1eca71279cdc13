/**
 * The coordination requests an organisation still has to answer: those addressed to it (or to a
 * group it belongs to) that it has not answered yet, oldest first, so the console can offer an
 * answer form for each.
 */
import type { NoticeBook, RequestState } from "./notice-book.ts";

export interface OpenRequest {
  requestId: string;
  topic: string;
  sender: string;
  audience: string;
  respondBy?: string;
  postedAt: number;
  traceId: string;
  overdue: boolean;
}

const openOf = (req: RequestState, now: number): OpenRequest => ({
  requestId: req.requestId, topic: req.topic, sender: req.sender, audience: req.audience, postedAt: req.postedAt, traceId: req.traceId,
  overdue: req.respondBy !== undefined && Date.parse(req.respondBy) < now, ...(req.respondBy ? { respondBy: req.respondBy } : {}),
});

/** Whether `org` may still answer `req`: it is addressed to `org` and `org` has not answered it. */
export const awaitsAnswerFrom = (req: RequestState, org: string): boolean => req.expected.includes(org) && !req.responses.has(org);

/** Requests awaiting `org`'s answer, oldest first. */
export function openRequestsTo(book: NoticeBook, org: string, now = Date.now()): OpenRequest[] {
  const out: OpenRequest[] = [];
  for (const req of book.requests.values()) if (awaitsAnswerFrom(req, org)) out.push(openOf(req, now));
  return out.sort((a, b) => a.postedAt - b.postedAt);
}
