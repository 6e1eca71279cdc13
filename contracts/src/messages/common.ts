/** Field schemas shared by several message types. */
import { z } from "zod";

/** An ISO-8601 timestamp with an offset, e.g. 2026-11-28T10:00:00Z. */
export const Timestamp = z.iso.datetime({ offset: true });

/**
 * Characters no free-text field may hold: C0 controls (a body may keep \n and \t), DEL, C1
 * controls and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
 * let a text display as something other than what it says (a terminal escape, a reversed name).
 */
export const FORBIDDEN_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
export const FORBIDDEN_IN_BODY = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
/** Marks the issue a control character raises, so readers of older messages can tell it apart. */
export const CONTROL_CHARACTER_ISSUE = "control characters";

/*
 * A refinement, not a JSON Schema pattern: the released v1 schemas (contracts/schemas) accepted
 * these characters, and messages stored before this rule stay readable (bus/stored-text.ts). The
 * rule binds senders and receivers of new messages; docs/WIRE.md states it for other clients.
 */
/** A one-line free text (title, name, place): no control or bidi-override characters. */
export const lineText = () =>
  z.string().trim().refine((s) => !FORBIDDEN_IN_LINE.test(s), `${CONTROL_CHARACTER_ISSUE} (line breaks, tabs, escape, DEL, C1, bidi overrides) are not allowed in this one-line field: remove them`);
/** A free text of several lines (a body, a summary): line breaks and tabs allowed, other control characters not. */
export const multilineText = () =>
  z.string().trim().refine((s) => !FORBIDDEN_IN_BODY.test(s), `${CONTROL_CHARACTER_ISSUE} (escape, DEL, C1, bidi overrides; only line breaks and tabs) are not allowed in this field: remove them`);

export const Title = lineText().min(3, "a title needs at least 3 characters").max(200);
export const Body = multilineText().min(1, "the text may not be empty").max(20_000);
export const Remark = multilineText().max(2_000);
