/**
 * The page frame: skip link, header with the navigation (actions only for the persons whose roles
 * allow them) and the signed-in person (sign out; in
 * the demo, sign in as another demo person), the main region, and the assets (our own CSS and one
 * small script, both served by the console).
 */
import { html } from "hono/html";
import { LOCALES, type Locale, type Messages } from "../i18n/messages.ts";
import type { BusState } from "../ingest/bus-status.ts";
import { personMay, type Person, type PersonAction } from "@schakel/contracts";
import type { Viewpoint } from "../model/visibility.ts";
import { busBanner } from "./bus-banner.ts";
import type { Html } from "./format.ts";

export const NAV = [
  { href: "/", key: "overview" },
  { href: "/feed", key: "feed" },
  { href: "/notices", key: "notices" },
  { href: "/obligations", key: "obligations" },
  { href: "/traces", key: "traces" },
  { href: "/flows", key: "flows" },
  { href: "/post", key: "post", may: ["post-notice"] },
  { href: "/signal", key: "signal", may: ["raise-signal"] },
  { href: "/signals", key: "signals", may: ["triage-signal"] },
  { href: "/coordination", key: "coordination", may: ["request-coordination", "answer-coordination"] },
  { href: "/cases", key: "cases", caseWork: true },
  { href: "/livc", key: "livc", caseWork: true },
  { href: "/notifications", key: "notifications" },
  { href: "/digests", key: "digests" },
  { href: "/library", key: "library" },
  { href: "/glossary", key: "glossary" },
] as const satisfies readonly { href: string; key: string; may?: readonly PersonAction[]; caseWork?: true }[];
export type NavKey = (typeof NAV)[number]["key"];

/** The navigation a person sees: the pages, the actions their roles allow, and case work when their role takes part. */
const navFor = (frame: Frame) => NAV.filter((n) => {
  if ("caseWork" in n) return frame.caseWork === true;
  return !("may" in n) || (frame.person !== undefined && n.may.some((a) => personMay(frame.person!.roles, a)));
});

/** What every page needs besides its own content. */
export interface Frame {
  title: string;
  active: NavKey;
  viewer: Viewpoint;
  /** The signed-in person (their organisation is the viewpoint). */
  person?: Person;
  /** The session's CSRF token, for the sign-out form. */
  csrf?: string;
  /** A demo console: offer to sign in as another demo person. */
  demo?: boolean;
  /** The person's role takes part in an LIVC-R (or they coordinate the platform): the case pages are offered. */
  caseWork?: boolean;
  /** False while the console is still reading the record from the start. */
  complete: boolean;
  /** The current path and query, so switching language returns to the same page. */
  path: string;
  /** Whether the bus is reachable (absent when the console runs without a bus). */
  bus?: BusState;
  /** The language of the page and its catalog. */
  locale: Locale;
  t: Messages;
}

export function layout(frame: Frame, content: Html): Html {
  const { t } = frame;
  return html`<!doctype html>
<html lang="${frame.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} · Schakel console</title>
<link rel="stylesheet" href="/assets/console.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<script type="module" src="/assets/console.js"></script>
</head>
<body>
<a class="skip" href="#main">${t.frame.skip}</a>
<header class="top">
  <div class="brand"><a href="/"><svg class="mark" aria-hidden="true" viewBox="0 0 32 32" width="22" height="22"><path d="M9 20a5 5 0 0 1 0-8h5M23 12a5 5 0 0 1 0 8h-5M12 16h8" stroke="currentColor" stroke-width="3" fill="none" stroke-linecap="round"/></svg> Schakel <span class="sub">${t.frame.brand}</span></a></div>
  <nav aria-label="${t.frame.navLabel}">
    <ul>${navFor(frame).map((n) => html`<li><a href="${n.href}"${n.key === frame.active ? html` aria-current="page"` : ""}>${t.frame.nav[n.key]}</a></li>`)}</ul>
  </nav>
  ${frame.person ? html`<div class="viewer">
    <span data-person="${frame.person.id}">${t.frame.signedInAs(frame.person.name, frame.viewer.name)}</span>
    <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${frame.csrf ?? ""}"><button type="submit" class="secondary">${t.frame.logout}</button></form>
    ${frame.demo ? html`<form method="post" action="/logout?next=login"><input type="hidden" name="_csrf" value="${frame.csrf ?? ""}"><button type="submit" class="secondary">${t.frame.otherDemoPerson}</button></form>` : ""}
  </div>` : ""}
  <form class="language" method="get" action="/language">
    <label for="lang">${t.frame.language}</label>
    <select id="lang" name="lang">
      ${LOCALES.map((l) => html`<option value="${l}" lang="${l}"${l === frame.locale ? html` selected` : ""}>${t.languageNames[l]}</option>`)}
    </select>
    <input type="hidden" name="back" value="${frame.path}">
    <button type="submit" class="secondary">${t.frame.languageSwitch}</button>
  </form>
</header>
${busBanner(frame.bus, t)}
${frame.complete ? "" : html`<p class="banner" role="status">${t.frame.reading}</p>`}
<main id="main" tabindex="-1">
<h1>${frame.title}</h1>
${content}
</main>
<footer class="foot">
  <p>${t.frame.footer(frame.viewer.name, frame.viewer.platform)}</p>
</footer>
</body>
</html>`;
}
