/**
 * The small pure parts behind the console's languages and times: which language a request gets,
 * Belgian time read from a form (across the clock changes), times shown with date and offset,
 * and catalogs that carry every key.
 */
import { describe, expect, it } from "vitest";
import { chooseLocale, fromAcceptLanguage } from "../src/i18n/choose-locale.ts";
import { LOCALES, messagesOf } from "../src/i18n/messages.ts";
import { boundsOf, parseBelgianTime, timeWindowOf } from "../src/model/time-window.ts";
import { clock, time } from "../src/views/format.ts";

const keysOf = (o: object, prefix = ""): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === "object" && !("isEscaped" in v) ? keysOf(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));

describe("console languages and times", () => {
  it("console i18n - a person's preference, then the switch, then the browser's weighted list, then English", () => {
    expect(chooseLocale({ preference: "fr", chosen: "nl", acceptLanguage: "en" })).toBe("fr");
    expect(chooseLocale({ chosen: "nl", acceptLanguage: "fr-BE" })).toBe("nl");
    expect(chooseLocale({ chosen: "xx", acceptLanguage: "de-DE,fr-BE;q=0.8,nl;q=0.9" })).toBe("nl");
    expect(chooseLocale({ acceptLanguage: "de-DE, es;q=0.5" })).toBe("en");
    expect(chooseLocale({})).toBe("en");
    expect(fromAcceptLanguage("fr;q=0, nl-BE;q=0.1")).toBe("nl");
  });

  it("console i18n - every catalog has the same keys as English", () => {
    const english = keysOf(messagesOf("en")).sort();
    for (const l of LOCALES) expect(keysOf(messagesOf(l)).sort(), l).toEqual(english);
    expect(messagesOf("nl").notices.title).toBe("Kennisgevingen");
    expect(messagesOf("fr").kinds.acknowledgement).toBe("accusé de réception");
  });

  it("console time - a form's time is Belgian time, in winter and in summer", () => {
    expect(new Date(parseBelgianTime("2026-01-15T10:00")).toISOString()).toBe("2026-01-15T09:00:00.000Z");
    expect(new Date(parseBelgianTime("2026-07-15T10:00:30")).toISOString()).toBe("2026-07-15T08:00:30.000Z");
    expect(new Date(parseBelgianTime("2026-03-29T03:30")).toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(parseBelgianTime("2026-07-15T10:00:00Z")).toBe(Date.UTC(2026, 6, 15, 10));
    expect(parseBelgianTime("yesterday")).toBeNaN();
    expect(timeWindowOf({ since: "7d", from: "nonsense" })).toEqual({ since: "7d" });
    expect(timeWindowOf({ since: "7d", to: "2026-01-15T10:00" })).toEqual({ to: Date.UTC(2026, 0, 15, 9), toText: "2026-01-15T10:00" });
    expect(boundsOf({ since: "1h" }, 10_000_000)).toEqual({ from: 10_000_000 - 3_600_000 });
    expect(boundsOf({ since: "all" }, 10_000_000)).toEqual({});
  });

  it("console time - a time is shown with its date and Belgian offset, the exact instant in its datetime", () => {
    const winter = Date.UTC(2026, 11, 6, 9, 57, 17, 250);
    const summer = Date.UTC(2026, 6, 1, 22, 5, 0);
    expect(String(time(winter, messagesOf("en")))).toBe('<time datetime="2026-12-06T09:57:17.250Z" title="Europe/Brussels">6 Dec 2026, 10:57:17 UTC+01:00</time>');
    expect(clock(winter, messagesOf("en"))).toBe("6 Dec 2026, 10:57:17 UTC+01:00");
    expect(clock(winter, messagesOf("nl"))).toMatch(/^6 dec\.? 2026.* 10:57:17 UTC\+01:00$/);
    expect(clock(summer, messagesOf("fr"))).toMatch(/^2 juil\. 2026.* 00:05:00 UTC\+02:00$/);
  });
});
