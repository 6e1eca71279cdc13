/**
 * The notifications pages: the organisation's notifications with where each delivery stands
 * (`/notifications`), and the signed-in person's preferences, one choice per event
 * (`/notifications/preferences`). Their words are here, in the three languages, beside the markup.
 */
import { html } from "hono/html";
import { NOTIFICATION_EVENTS, type EffectivePreferences, type NotificationRow } from "@schakel/organisation";
import type { Locale, Messages } from "../i18n/messages.ts";
import { time, type Html } from "./format.ts";

interface Words {
  title: string; prefsTitle: string; prefsLink: string; listLink: string; none: string; intro: (org: string) => string;
  when: string; person: string; event: string; subject: string; status: string; attempts: string; lastError: string;
  statuses: Record<NotificationRow["status"], string>; next: string;
  prefsIntro: (email: string | undefined) => string; defaults: string; email: string; off: string; save: string; saved: string;
  events: Record<(typeof NOTIFICATION_EVENTS)[number], string>;
}

const WORDS: Readonly<Record<Locale, Words>> = {
  en: {
    title: "Notifications", prefsTitle: "My notification preferences", prefsLink: "My notification preferences", listLink: "All notifications of my organisation",
    none: "No notifications yet.", intro: (org) => `Every e-mail notification to the persons of ${org}, newest first, with its delivery.`,
    when: "When", person: "Person", event: "Event", subject: "Subject", status: "Delivery", attempts: "Attempts", lastError: "Last error",
    statuses: { pending: "pending", retrying: "retrying", delivered: "delivered", failed: "failed", "not-configured": "not sent: no mail server configured" }, next: "next attempt",
    prefsIntro: (email) => (email ? `Mails go to ${email} (from the persons file). They say what happened and link here; they carry no case or personal data.` : "The persons file gives you no e-mail address: ask an operator to add one, then choose e-mail here."),
    defaults: "You have not chosen yet: these are the defaults.", email: "E-mail", off: "None", save: "Save", saved: "Saved.",
    events: {
      "urgent-notice": "An urgent notice addressed to my organisation (a threat assessment, or an acknowledgement due within a day)",
      deadline: "A notice my organisation has not acknowledged, shortly before its deadline",
      escalation: "An escalation my organisation receives", "triage-decision": "A triage decision on a signal of my organisation", digest: "A digest for my organisation",
    },
  },
  nl: {
    title: "Meldingen", prefsTitle: "Mijn meldingsvoorkeuren", prefsLink: "Mijn meldingsvoorkeuren", listLink: "Alle meldingen van mijn organisatie",
    none: "Nog geen meldingen.", intro: (org) => `Elke e-mailmelding aan de personen van ${org}, nieuwste eerst, met haar aflevering.`,
    when: "Wanneer", person: "Persoon", event: "Gebeurtenis", subject: "Onderwerp", status: "Aflevering", attempts: "Pogingen", lastError: "Laatste fout",
    statuses: { pending: "in wachtrij", retrying: "opnieuw proberen", delivered: "afgeleverd", failed: "mislukt", "not-configured": "niet verstuurd: geen mailserver ingesteld" }, next: "volgende poging",
    prefsIntro: (email) => (email ? `Mails gaan naar ${email} (uit het personenbestand). Ze zeggen wat er gebeurde en verwijzen hierheen; ze bevatten geen casus- of persoonsgegevens.` : "Het personenbestand geeft u geen e-mailadres: vraag een beheerder er een toe te voegen en kies dan hier e-mail."),
    defaults: "U koos nog niets: dit zijn de standaardkeuzes.", email: "E-mail", off: "Geen", save: "Bewaren", saved: "Bewaard.",
    events: {
      "urgent-notice": "Een dringende kennisgeving aan mijn organisatie (een dreigingsevaluatie, of een bevestiging binnen een dag)",
      deadline: "Een kennisgeving die mijn organisatie nog niet bevestigde, kort voor de termijn",
      escalation: "Een escalatie die mijn organisatie ontvangt", "triage-decision": "Een triagebeslissing over een signaal van mijn organisatie", digest: "Een overzicht voor mijn organisatie",
    },
  },
  fr: {
    title: "Notifications", prefsTitle: "Mes préférences de notification", prefsLink: "Mes préférences de notification", listLink: "Toutes les notifications de mon organisation",
    none: "Pas encore de notifications.", intro: (org) => `Chaque notification par e-mail aux personnes de ${org}, la plus récente d'abord, avec sa remise.`,
    when: "Quand", person: "Personne", event: "Événement", subject: "Objet", status: "Remise", attempts: "Tentatives", lastError: "Dernière erreur",
    statuses: { pending: "en attente", retrying: "nouvel essai", delivered: "remise", failed: "échec", "not-configured": "non envoyée : aucun serveur de messagerie configuré" }, next: "prochain essai",
    prefsIntro: (email) => (email ? `Les e-mails vont à ${email} (du fichier des personnes). Ils disent ce qui s'est passé et renvoient ici ; ils ne contiennent aucune donnée de cas ni personnelle.` : "Le fichier des personnes ne vous donne pas d'adresse e-mail : demandez à un opérateur d'en ajouter une, puis choisissez l'e-mail ici."),
    defaults: "Vous n'avez pas encore choisi : voici les choix par défaut.", email: "E-mail", off: "Aucune", save: "Enregistrer", saved: "Enregistré.",
    events: {
      "urgent-notice": "Un avis urgent adressé à mon organisation (une évaluation de la menace, ou un accusé de réception dû dans la journée)",
      deadline: "Un avis que mon organisation n'a pas encore confirmé, peu avant l'échéance",
      escalation: "Une escalade que reçoit mon organisation", "triage-decision": "Une décision de triage sur un signal de mon organisation", digest: "Un résumé pour mon organisation",
    },
  },
};

export const notificationWords = (locale: Locale): Words => WORDS[locale] ?? WORDS.en;

export function notificationsPage(v: { org: string; rows: NotificationRow[]; locale: Locale; t: Messages }): Html {
  const w = notificationWords(v.locale);
  return html`<p>${w.intro(v.org)} <a href="/notifications/preferences">${w.prefsLink}</a></p>
${v.rows.length === 0 ? html`<p class="empty">${w.none}</p>` : html`<table class="notifications">
<caption class="visually-hidden">${w.title}</caption>
<thead><tr><th scope="col">${w.when}</th><th scope="col">${w.person}</th><th scope="col">${w.event}</th><th scope="col">${w.subject}</th><th scope="col">${w.status}</th><th scope="col">${w.attempts}</th><th scope="col">${w.lastError}</th></tr></thead>
<tbody>${v.rows.map((r) => html`<tr data-notification="${r.key}" data-status="${r.status}">
<td>${time(r.createdAt, v.t)}</td><td>${r.person}</td><td>${r.event}</td><td><a href="${r.path}">${r.subject}</a></td>
<td>${w.statuses[r.status]}${r.status === "retrying" && r.nextAttemptAt ? html` (${w.next} ${time(r.nextAttemptAt, v.t)})` : ""}</td>
<td>${r.attempts}</td><td>${r.lastError ?? ""}</td></tr>`)}</tbody></table>`}`;
}

export function preferencesPage(v: { prefs: EffectivePreferences; csrf: string; saved: boolean; error?: string; locale: Locale }): Html {
  const w = notificationWords(v.locale);
  return html`${v.saved ? html`<p class="notice-ok" role="status">${w.saved}</p>` : ""}
${v.error ? html`<p class="notice-error" role="alert">${v.error}</p>` : ""}
<p>${w.prefsIntro(v.prefs.email)}</p>
${v.prefs.stored ? "" : html`<p>${w.defaults}</p>`}
<form method="post" action="/notifications/preferences">
<input type="hidden" name="_csrf" value="${v.csrf}">
${NOTIFICATION_EVENTS.map((e) => html`<fieldset><legend>${w.events[e]}</legend>
<label><input type="radio" name="${e}" value="email"${v.prefs.events[e] === "email" ? " checked" : ""}${v.prefs.email ? "" : " disabled"}> ${w.email}</label>
<label><input type="radio" name="${e}" value="none"${v.prefs.events[e] === "none" ? " checked" : ""}> ${w.off}</label>
</fieldset>`)}
<p><button type="submit">${w.save}</button></p>
</form>
<p><a href="/notifications">${w.listLink}</a></p>`;
}
