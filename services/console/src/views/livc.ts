/**
 * The LIVC-R compositions an organisation knows: per municipality every version, newest first,
 * with its members and the person roles that take part for each.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { latestVersion, type LivcComposition } from "@schakel/organisation";
import type { Messages } from "../i18n/messages.ts";
import { orgChip, time, type Html } from "./format.ts";

export function livcPage(compositions: readonly LivcComposition[], opts: { org: string; directory: KeyDirectory; t: Messages }): Html {
  const { t, directory } = opts;
  const lt = t.livc;
  const sorted = [...compositions].sort((a, b) => a.municipality.localeCompare(b.municipality));
  return html`<p class="meta">${lt.intro(opts.org)}</p>
${sorted.length === 0 ? html`<p class="empty">${lt.none(opts.org)}</p>` : ""}
${sorted.map((c) => {
  const inForce = latestVersion(c).version;
  const id = `livc-${c.municipality}`;
  return html`<section class="card" aria-labelledby="${id}" data-livc="${c.municipality}">
<h2 id="${id}">${lt.of(c.municipality)}</h2>
${[...c.versions].sort((a, b) => b.version - a.version).map((v) => html`<table class="livc" data-version="${v.version}">
<caption>${lt.version(v.version)}${v.version === inForce ? html` <span class="status st-complete">${lt.inForce}</span>` : ""} — ${lt.effectiveFrom} ${time(v.effectiveFrom, t)}</caption>
<thead><tr><th scope="col">${lt.member}</th><th scope="col">${lt.roles}</th></tr></thead>
<tbody>${v.members.map((m) => html`<tr><th scope="row">${orgChip(t, directory, m.org)}</th><td>${m.roles.join(", ")}</td></tr>`)}</tbody>
</table>`)}
</section>`;
})}`;
}
