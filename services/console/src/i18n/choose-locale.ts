/**
 * Which language a request is answered in. One small, pure function so that a person's own
 * preference (once people sign in) can be passed first and win; until then the language switch
 * (a cookie) decides, then the browser's `Accept-Language`, then English.
 */
import { FALLBACK_LOCALE, isLocale, LOCALES, type Locale } from "./messages.ts";

export interface LocaleSources {
  /** A signed-in person's stored preference (not yet available: sign-in comes later). */
  preference?: string | undefined;
  /** The choice made with the language switch (cookie). */
  chosen?: string | undefined;
  /** The browser's `Accept-Language` header. */
  acceptLanguage?: string | undefined;
}

/** The language to answer in: preference, then the switch, then the browser's list by weight. */
export function chooseLocale(sources: LocaleSources): Locale {
  if (isLocale(sources.preference)) return sources.preference;
  if (isLocale(sources.chosen)) return sources.chosen;
  return fromAcceptLanguage(sources.acceptLanguage) ?? FALLBACK_LOCALE;
}

/** The best supported language in an `Accept-Language` header (`nl-BE,nl;q=0.9,fr;q=0.8`). */
export function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header.split(",").map((part, i) => {
    const [range = "", ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    return { lang: range.trim().toLowerCase().split("-")[0] ?? "", weight: Number.isFinite(weight) ? weight : 0, i };
  }).filter((r) => r.weight > 0).sort((a, b) => b.weight - a.weight || a.i - b.i);
  return ranked.map((r) => r.lang).find((l): l is Locale => (LOCALES as readonly string[]).includes(l));
}
