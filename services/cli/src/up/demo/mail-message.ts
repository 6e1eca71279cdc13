/**
 * Reading one notification mail as the mail sink stored it (`<data>/mail/*.eml`, RFC 5322 as
 * nodemailer wrote it): the recipient, the subject with its encoded words decoded, and the first
 * link of the plain-text body (the console page the notification points to). Enough for the demo
 * to say who got what; not a general MIME parser (a notification is one text/plain part).
 */

export interface NotificationMail {
  to: string;
  subject: string;
  /** The first http(s) link of the body: the console page. */
  link?: string;
}

/** Quoted-printable bytes (`=XX`) to text, as UTF-8. */
const unquote = (text: string): string =>
  Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8");

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) to text; adjacent words join without the space between. */
const decodeWords = (value: string): string =>
  value.replace(/\?=\s+=\?/g, "?==?").replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_, enc: string, text: string) =>
    enc.toUpperCase() === "B" ? Buffer.from(text, "base64").toString("utf8") : unquote(text.replace(/_/g, " ")));

function decodeBody(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case "quoted-printable": return unquote(body.replace(/=\r?\n/g, ""));
    case "base64": return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    default: return body;
  }
}

/** The mail in `raw`; undefined while it has no body yet (the sink is still writing it). */
export function readNotificationMail(raw: string): NotificationMail | undefined {
  const end = /\r?\n\r?\n/.exec(raw);
  if (!end) return undefined;
  // Long header lines are folded onto continuation lines that start with white space.
  const lines = raw.slice(0, end.index).replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/);
  const header = (name: string): string => {
    const line = lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    return line ? decodeWords(line.slice(name.length + 1).trim()) : "";
  };
  const body = decodeBody(raw.slice(end.index + end[0].length), header("Content-Transfer-Encoding"));
  const link = /https?:\/\/[^\s<>"]+/.exec(body)?.[0];
  return { to: header("To"), subject: header("Subject"), ...(link ? { link } : {}) };
}
