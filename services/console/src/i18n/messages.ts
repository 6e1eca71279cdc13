/**
 * The console's languages and their message catalogs. English (`en.ts`) defines the shape;
 * `Messages` is that shape, so a catalog that lacks a key (or has one of the wrong kind) fails
 * to compile. Pages get the catalog of the request's language and never hold text of their own.
 */
import { en } from "./en.ts";
import { fr } from "./fr.ts";
import { nl } from "./nl.ts";

export type Messages = typeof en;

/** Languages the interface speaks, in the order the switch lists them. */
export const LOCALES = ["nl", "fr", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** When nothing else decides: English, the fallback. */
export const FALLBACK_LOCALE: Locale = "en";

const CATALOGS: Record<Locale, Messages> = { nl, fr, en };

/** The catalog of a language. */
export const messagesOf = (locale: Locale): Messages => CATALOGS[locale];

export const isLocale = (v: unknown): v is Locale => typeof v === "string" && (LOCALES as readonly string[]).includes(v);
