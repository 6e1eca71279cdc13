/**
 * Message text on a terminal. Titles, bodies and remarks come from other organisations (and old
 * stored messages may hold anything the schema let through then): printed raw, an escape sequence
 * could clear the screen (`ESC[2J`), set the window title or a hyperlink (OSC), or reorder what is
 * shown (U+202E RIGHT-TO-LEFT OVERRIDE and the other bidirectional controls). Every CLI output of
 * message text goes through `safeText` (people) or `safeJson` (scripts), which show such
 * characters as visible escapes (`\x1b`, `\u202e`) instead of acting on them.
 */

/** C0 controls (tab and newline included: a feed entry is one line), DEL and C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/**
 * Characters that change how the text around them is shown: bidirectional marks, embeddings,
 * overrides and isolates, the line and paragraph separators, zero-width joiners and the BOM.
 */
const FORMAT = /[\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const hex = (c: string, width: number): string => c.charCodeAt(0).toString(16).padStart(width, "0");

/** `text` with every control and formatting character shown as an escape (`\x1b`, `\u202e`). */
export function safeText(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${hex(c, 2)}`).replace(FORMAT, (c) => `\\u${hex(c, 4)}`);
}

/**
 * `value` as JSON whose text holds no terminal controls: JSON.stringify escapes C0 controls
 * already; the C1 and formatting characters become `\uXXXX` escapes too, which a JSON reader
 * decodes to the same string (the data is unchanged, only its spelling on the screen).
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f]/g, (c) => `\\u${hex(c, 4)}`).replace(FORMAT, (c) => `\\u${hex(c, 4)}`);
}
