/**
 * The knowledge library: the items the curator published (and items of earlier releases, shared
 * with all before curation existed), searchable by text, form of extremism, prevention tier,
 * policy domain, format and date.
 */
import type { ExtremismForm, PreventionTier } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import type { ReceivedKnowledge } from "../records.ts";
import { receivedKnowledge } from "./received.ts";

export interface LibraryFilter {
  /** Words that must all occur in the title, summary or place (case-insensitive). */
  text?: string;
  form?: ExtremismForm;
  tier?: PreventionTier;
  domain?: string;
  format?: string;
  /** The item's date on or after / before this instant (items without a date do not match a range). */
  from?: Date;
  to?: Date;
}

/** True when a record is in the library (published, or shared with all by an earlier release). */
export const inLibrary = (k: ReceivedKnowledge): boolean => k.status === undefined || k.status === "published";

/** True when a library item matches every filter given. */
export function matchesLibraryFilter(k: ReceivedKnowledge, f: LibraryFilter): boolean {
  if (f.form && !k.extremismForms?.includes(f.form)) return false;
  if (f.tier && k.preventionTier !== f.tier) return false;
  if (f.domain && k.domain !== f.domain) return false;
  if (f.format && k.format !== f.format) return false;
  if (f.from || f.to) {
    if (!k.date) return false;
    const t = Date.parse(k.date);
    if (f.from && t < f.from.getTime()) return false;
    if (f.to && t > f.to.getTime()) return false;
  }
  if (f.text?.trim()) {
    const hay = `${k.title}\n${k.summary}\n${k.location ?? ""}`.toLowerCase();
    if (!f.text.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w))) return false;
  }
  return true;
}

/** The library of the bus's organisation, filtered; by the item's date (else when it arrived), newest first. */
export async function knowledgeLibrary(bus: Bus, filter: LibraryFilter = {}): Promise<ReceivedKnowledge[]> {
  const when = (k: ReceivedKnowledge) => k.date ?? k.receivedAt;
  return (await receivedKnowledge(bus)).filter((k) => inLibrary(k) && matchesLibraryFilter(k, filter)).sort((a, b) => when(b).localeCompare(when(a)));
}
