/**
 * The law of case consultation, as vocabulary: on which legal basis and for which purpose each
 * case message shares information, and why a case closes. Closed lists: a case message names one
 * of each, the sending client and every receiver check it (`caseLawIssue`).
 *
 * Art. 458ter of the Criminal Code lets professionals bound by secrecy share information in a
 * consultation organised by law — the local integral security cell for radicalisation (LIVC-R),
 * law of 30 July 2018 — among its participants and only for its purposes. Everything shared
 * outside the consultation, or for another purpose, is not covered.
 */
import { z } from "zod";
import { OrgId } from "./ids.ts";

/** Legal bases a case message may name. */
export const LEGAL_BASES = ["art-458ter-livc-r"] as const;
export const LegalBasis = z
  .enum(LEGAL_BASES)
  .describe("art-458ter-livc-r: consultation in the local integral security cell (LIVC-R), art. 458ter Criminal Code and the law of 30 July 2018");
export type LegalBasis = z.infer<typeof LegalBasis>;

/** What the information is shared for. */
export const CASE_PURPOSES = ["consultation", "follow-up", "transfer"] as const;
export const CasePurpose = z
  .enum(CASE_PURPOSES)
  .describe("consultation: assess the situation of a person in the LIVC-R; follow-up: carry out and report on the agreed follow-up plan; transfer: hand the case over to the LIVC-R of the municipality the person moved to");
export type CasePurpose = z.infer<typeof CasePurpose>;

/** Why a case is closed. */
export const CASE_CLOSE_REASONS = ["goal-reached", "no-concern", "referred", "moved-away", "no-consent-to-continue", "other"] as const;
export const CaseCloseReason = z
  .enum(CASE_CLOSE_REASONS)
  .describe("goal-reached: the plan's aims are met; no-concern: no (more) signs of radicalisation; referred: handed to justice or the police; moved-away: the person left the municipality (see transfer); no-consent-to-continue: a voluntary track ended; other");
export type CaseCloseReason = z.infer<typeof CaseCloseReason>;

/** The fields every lawful case message carries in the clear (metadata; the content is sealed). */
export const CaseLawFields = {
  /** The municipality whose LIVC-R the case belongs to. */
  livc: OrgId.describe("the municipality whose LIVC-R holds the case"),
  /** The composition version the sender checked the recipients against. */
  compositionVersion: z.number().int().min(1).describe("the LIVC-R composition version the recipients were checked against"),
  legalBasis: LegalBasis,
  purpose: CasePurpose,
};

/**
 * The law fields of a case message in `livc`'s LIVC-R, its recipients checked against composition
 * `compositionVersion`, shared for `purpose` on the one legal basis there is.
 */
export const caseLaw = (livc: string, compositionVersion: number, purpose: CasePurpose) =>
  ({ livc, compositionVersion, legalBasis: LEGAL_BASES[0], purpose });

interface CaseLaw {
  /** Purposes a message of the type may serve. */
  purposes: readonly CasePurpose[];
  /** The first data version that carries the law fields; earlier versions were sent before them. */
  since: number;
}

/** Per case type: the purposes allowed, and since which version the fields are required. */
export const CASE_LAW: Readonly<Record<string, CaseLaw>> = {
  "case.opened": { purposes: ["consultation"], since: 1 },
  "case.consultation.requested": { purposes: ["consultation", "follow-up"], since: 2 },
  "case.consultation.responded": { purposes: ["consultation", "follow-up"], since: 2 },
  "case.plan.set": { purposes: ["follow-up"], since: 1 },
  "case.task.reported": { purposes: ["follow-up"], since: 1 },
  "case.closed": { purposes: ["consultation", "follow-up"], since: 1 },
  "case.transferred": { purposes: ["transfer"], since: 1 },
  "case.corrected": { purposes: ["consultation", "follow-up"], since: 1 },
  "case.key.requested": { purposes: ["consultation", "follow-up"], since: 1 },
  "case.key.granted": { purposes: ["consultation", "follow-up"], since: 1 },
};

/**
 * What is unlawful about a case message's basis or purpose, or undefined when it is lawful (or
 * not a case type, or a version sent before the fields existed). Checked by the sending client
 * and by every receiver.
 */
export function caseLawIssue(type: string, dataversion: number, data: unknown): { field: string; message: string } | undefined {
  const law = CASE_LAW[type];
  if (!law || dataversion < law.since) return undefined;
  const d = (data ?? {}) as Record<string, unknown>;
  if (d.legalBasis === undefined) {
    return { field: "legalBasis", message: `${type} must name its legal basis (${LEGAL_BASES.join(", ")}): case information is shared only inside the LIVC-R` };
  }
  if (d.purpose === undefined || !law.purposes.includes(d.purpose as CasePurpose)) {
    return { field: "purpose", message: `${type} may serve only ${law.purposes.join(" or ")}, not ${JSON.stringify(d.purpose ?? null)}: information shared in the LIVC-R is used only for its purposes` };
  }
  if (d.livc === undefined || d.compositionVersion === undefined) {
    return { field: d.livc === undefined ? "livc" : "compositionVersion", message: `${type} must name the LIVC-R (livc) and the composition version its recipients were checked against` };
  }
  return undefined;
}
