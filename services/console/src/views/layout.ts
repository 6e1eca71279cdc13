/**
 * The page frame: skip link, header with the navigation and the "viewing as" choice, the main
 * region, and the assets (our own CSS and one small script, both served by the console).
 */
import { html } from "hono/html";
import { LOCALES, type Locale, type Messages } from "../i18n/messages.ts";
import type { BusState } from "../ingest/bus-status.ts";
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
  { href: "/post", key: "post" },
] as const;
export type NavKey = (typeof NAV)[number]["key"];

/** What every page needs besides its own content. */
export interface Frame {
  title: string;
  active: NavKey;
  viewer: Viewpoint;
  /** Organisations the user may view as (name for the select). */
  viewers: { id: string; name: string }[];
  /** False while the console is still reading the record from the start. */
  complete: boolean;
  /** The current path and query, so switching viewpoint returns to the same page. */
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
    <ul>${NAV.map((n) => html`<li><a href="${n.href}"${n.key === frame.active ? html` aria-current="page"` : ""}>${t.frame.nav[n.key]}</a></li>`)}</ul>
  </nav>
  <form class="viewer" method="get" action="/view">
    <label for="as">${t.frame.viewingAs}</label>
    <select id="as" name="as">
      ${frame.viewers.map((v) => html`<option value="${v.id}"${v.id === frame.viewer.org ? html` selected` : ""}>${v.id} — ${v.name}</option>`)}
    </select>
    <input type="hidden" name="back" value="${frame.path}">
    <button type="submit" class="secondary">${t.frame.switch}</button>
  </form>
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
