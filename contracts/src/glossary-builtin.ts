/**
 * Glossary version 1: the vocabularies as this release's code has them, with their definitions.
 * The prevention tiers follow footnote 1 of the Flemish Peace Institute's advisory note; the forms
 * of extremism and the signal kinds are the platform's working categories.
 */
import { BUILTIN_GLOSSARY_VERSION, type GlossaryRecord, type GlossaryTerm } from "./glossary.ts";

const t = (term: string, nl: string, en: string, definition: string): GlossaryTerm => ({ term, label: { nl, en }, definition, since: 1 });

/** The built-in glossary (version 1). */
export const BUILTIN_GLOSSARY: GlossaryRecord = {
  version: BUILTIN_GLOSSARY_VERSION,
  adoptedAt: "2026-01-01T00:00:00.000Z",
  adoptedBy: "schakel",
  terms: {
    "prevention-tier": [
      t("primary", "primaire preventie", "primary prevention", "General prevention aimed at everyone: strengthening resilience and social cohesion before any sign of radicalisation."),
      t("secondary", "secundaire preventie", "secondary prevention", "Prevention aimed at groups or persons at risk of radicalisation, who show first signs or are exposed to it."),
      t("tertiary", "tertiaire preventie", "tertiary prevention", "Work with persons who are already radicalised or have committed extremist acts, including disengagement and the re-integration of released detainees."),
    ],
    "extremism-form": [
      t("jihadist", "jihadistisch", "jihadist", "Violent extremism that invokes a radical reading of Islam to justify violence against people who think differently."),
      t("far-right", "extreemrechts", "far-right", "Extremism that rejects the equality of people on grounds of origin, religion or identity, up to ideas that justify violence."),
      t("far-left", "extreemlinks", "far-left", "Extremism that rejects the democratic order from an anti-capitalist or anarchist ideology, up to ideas that justify violence."),
      t("other-mixed", "andere of gemengd", "other or mixed", "Extremism outside the forms above, or mixing them (e.g. conspiracy-driven, single-issue or unclear ideology)."),
    ],
    "signal-kind": [
      t("polarisation", "polarisering", "polarisation", "Growing us-versus-them thinking between groups in the municipality; a signal kind, not a crime."),
      t("tension", "spanning", "tension", "A local conflict or strained relation between groups that may escalate (e.g. after an incident or an event)."),
      t("incident", "incident", "incident", "A concrete event with an extremist or polarising character (a threat, graffiti, an act of violence, a provocation)."),
      t("emerging-need", "nieuwe nood", "emerging need", "A need for support, expertise or coordination that the municipality cannot meet alone."),
    ],
  },
};
