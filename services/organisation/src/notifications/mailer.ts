/**
 * Sending one notification mail over SMTP with nodemailer: one pooled transport per SMTP URL and
 * process, shared by every organisation the process serves, so the cost per organisation is a
 * record, not a connection. nodemailer is loaded with the first mail: a process that sends none
 * (most organisations' services, every command) does not carry it.
 */
import type { Transporter } from "nodemailer";

export interface Mail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Our own id, so a receiving system can tell a repeat (Message-ID). */
  id: string;
}

const transports = new Map<string, Transporter>();

async function transportFor(smtpUrl: string): Promise<Transporter> {
  let t = transports.get(smtpUrl);
  if (!t) {
    const { default: nodemailer } = await import("nodemailer");
    // Looked up again: another mail may have made it while the module loaded.
    t = transports.get(smtpUrl) ?? nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 2, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
    transports.set(smtpUrl, t);
  }
  return t;
}

/** Sends the mail; resolves with the SMTP server's answer, throws what the server or the network said. */
export async function sendMail(smtpUrl: string, mail: Mail): Promise<string> {
  const info = await (await transportFor(smtpUrl)).sendMail({
    from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: `<${mail.id}@schakel>`,
    headers: { "Auto-Submitted": "auto-generated" },
  });
  return String(info.messageId ?? info.response ?? "");
}

/** Closes every transport (the process is stopping). */
export function closeMailTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}
