/**
 * The demo's notification step reads the mails the local mail sink stored: recipient, subject and
 * console link, from files as nodemailer writes them (folded Q-encoded subjects, quoted-printable
 * bodies with soft line breaks). The samples below are verbatim mails of a demo run.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readNotificationMail } from "../src/up/demo/mail-message.ts";
import { mailsLinkingTo } from "../src/up/demo/notification-mails.ts";

const NOTICE = "01a24e1b-37ea-7c04-85fd-2a4e13f51df9";

const URGENT = "Auto-Submitted: auto-generated\r\nFrom: Schakel <noreply@schakel.example.be>\r\nTo: lotte.peeters@mechelen.example.be\r\n" +
  "Subject: =?UTF-8?Q?=5BSchakel=5D_Urgent_notice_from_nccn=3A?=\r\n =?UTF-8?Q?_=22Threat_level_for_public_events_in_th?=\r\n =?UTF-8?Q?e_region=22?=\r\n" +
  "Message-ID: <01a24e1b-39fd-7022-b844-8e29b5b129e4@schakel>\r\nContent-Transfer-Encoding: quoted-printable\r\nDate: Mon, 07 Dec 2026 01:25:36 +0000\r\n" +
  "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
  "nccn sent your organisation an urgent notice, \"Threat level for public =\r\nevents in the region\" (threat-assessment).\r\nIt must be acknowledged by =\r\n" +
  "2026-12-07T01:25:56.361Z.\r\n\r\nOpen it in the console (sign in first):\r\n" + `http://127.0.0.1:8480/notices/${NOTICE}\r\n\r\n` +
  "You receive this because of your notification preferences in Schakel =\r\n(http://127.0.0.1:8480/notifications/preferences).\r\n";

const ACCENTED = "Auto-Submitted: auto-generated\r\nFrom: Schakel <noreply@schakel.example.be>\r\nTo: els.janssens@vpr.example.be\r\n" +
  "Subject: =?UTF-8?Q?=5BSchakel=5D_Dringend=3A_=C2=AB_S=C3=A9?=\r\n =?UTF-8?Q?curit=C3=A9_=C2=BB_=C3=A9v=C3=A9nement_?=\r\n" +
  " =?UTF-8?Q?=C3=A0_Li=C3=A8ge_=E2=80=94_niveau_3_?= =?UTF-8?Q?=E2=9C=93?=\r\nMessage-ID: <x@schakel>\r\nDate: Thu, 01 Jan 1970 00:00:00 +0000\r\n" +
  "Content-Transfer-Encoding: quoted-printable\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
  "=C3=89=C3=A9 =C3=A9=C3=A9=C3=A9\r\n\r\nOpen it in the console (sign in =\r\nfirst):\r\nhttp://127.0.0.1:8480/traces/01a24e1b-0000-7000-8000-000000000001\r\n";

describe("demo mail", () => {
  it("demo mail - reads the recipient, the decoded subject and the console link of a mail as nodemailer wrote it", () => {
    expect(readNotificationMail(URGENT)).toEqual({
      to: "lotte.peeters@mechelen.example.be",
      subject: "[Schakel] Urgent notice from nccn: \"Threat level for public events in the region\"",
      link: `http://127.0.0.1:8480/notices/${NOTICE}`,
    });
    expect(readNotificationMail(ACCENTED)).toEqual({
      to: "els.janssens@vpr.example.be",
      subject: "[Schakel] Dringend: « Sécurité » événement à Liège — niveau 3 ✓",
      link: "http://127.0.0.1:8480/traces/01a24e1b-0000-7000-8000-000000000001",
    });
  });

  describe("a mail folder", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "schakel-demo-mail-"));
      await writeFile(join(dir, "2026-12-07T01-25-36-000Z-1.eml"), URGENT);
      await writeFile(join(dir, "2026-12-07T01-25-37-000Z-2.eml"), ACCENTED);
      // The sink is still writing this one: headers, no body yet.
      await writeFile(join(dir, "2026-12-07T01-25-38-000Z-3.eml"), URGENT.slice(0, URGENT.indexOf("\r\n\r\n")));
      await writeFile(join(dir, "notes.txt"), URGENT);
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it("demo mail - lists only the complete .eml mails that link to the page; a mail still being written is not read yet", async () => {
      const found = await mailsLinkingTo(dir, `/notices/${NOTICE}`);
      expect(found.map((m) => [m.file, m.to])).toEqual([["2026-12-07T01-25-36-000Z-1.eml", "lotte.peeters@mechelen.example.be"]]);
      expect(readNotificationMail(URGENT.slice(0, 200))).toBeUndefined();
      expect(await mailsLinkingTo(join(dir, "absent"), `/notices/${NOTICE}`)).toEqual([]);
    });
  });
});
