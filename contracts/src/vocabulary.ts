/**
 * The shared vocabulary of the three government levels. The advisory note behind Schakel asks
 * for shared definitions; these enums are that vocabulary, used by every message type.
 * Constants are `as const` tuples with a zod enum and a union type of the same name.
 */
import { z } from "zod";

/** Government levels. `supralocal` is for associations such as VVSG. */
export const LEVELS = ["local", "flemish", "federal", "supralocal"] as const;
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

/** Audience groups a message can be addressed to besides a single organisation. */
export const AUDIENCE_GROUPS = ["all", ...LEVELS] as const;
export const AudienceGroup = z.enum(AUDIENCE_GROUPS);
export type AudienceGroup = z.infer<typeof AudienceGroup>;

/** Prevention tiers as defined in footnote 1 of the advisory note. */
export const PREVENTION_TIERS = ["primary", "secondary", "tertiary"] as const;
export const PreventionTier = z
  .enum(PREVENTION_TIERS)
  .describe("primary: general prevention for all; secondary: groups at risk; tertiary: persons already radicalised, including re-integration");
export type PreventionTier = z.infer<typeof PreventionTier>;

/** Forms of extremism the platform distinguishes. */
export const EXTREMISM_FORMS = ["jihadist", "far-right", "far-left", "other-mixed"] as const;
export const ExtremismForm = z.enum(EXTREMISM_FORMS);
export type ExtremismForm = z.infer<typeof ExtremismForm>;

/** Flemish policy domains that send information to local governments. */
export const POLICY_DOMAINS = ["onderwijs", "welzijn", "jeugd", "werk", "binnenland", "justitie-handhaving"] as const;
export const PolicyDomain = z.enum(POLICY_DOMAINS);
export type PolicyDomain = z.infer<typeof PolicyDomain>;

export const NOTICE_CATEGORIES = [
  "threat-assessment",
  "detainee-release",
  "policy-change",
  "event-warning",
  "information",
] as const;
export const NoticeCategory = z.enum(NOTICE_CATEGORIES);
export type NoticeCategory = z.infer<typeof NoticeCategory>;

export const SIGNAL_KINDS = ["polarisation", "tension", "incident", "emerging-need"] as const;
export const SignalKind = z.enum(SIGNAL_KINDS);
export type SignalKind = z.infer<typeof SignalKind>;

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** How sensitive a message is; drives retention and who may read content. */
export const CLASSIFICATIONS = ["public", "internal", "restricted", "case-confidential"] as const;
export const Classification = z.enum(CLASSIFICATIONS);
export type Classification = z.infer<typeof Classification>;

/** What a coordination request asks of the other level. */
export const COORDINATION_ASKS = ["align", "inform", "act"] as const;
export const CoordinationAsk = z.enum(COORDINATION_ASKS);
export type CoordinationAsk = z.infer<typeof CoordinationAsk>;

export const KNOWLEDGE_FORMATS = ["training", "intervision", "study-day", "expertise-document"] as const;
export const KnowledgeFormat = z.enum(KNOWLEDGE_FORMATS);
export type KnowledgeFormat = z.infer<typeof KnowledgeFormat>;

/** Roles an organisation holds in the registry. */
export const ROLES = [
  "municipality",
  "platform",
  "policy-domain",
  "liaison",
  "livc-partner",
  "knowledge-partner",
  "audit",
  /** A local police zone (local level): receives notices, takes part in the LIVC-R. */
  "police-zone",
  /** The national crisis centre (NCCN): passes threat levels on to mayors. */
  "crisis-centre",
  /** A justice house (Flemish since the sixth state reform): follows up on released detainees. */
  "justice-house",
  /** The prison service (FOD Justitie DG EPI, federal): announces detainee releases. */
  "prison-service",
  /** A municipality's local partner (school/CLB contact, youth service, CAW): names its municipality. */
  "local-partner",
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** The Flemish provinces (a municipality's `province` in the registry). */
export const PROVINCES = ["antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen"] as const;
export const Province = z.enum(PROVINCES);
export type Province = z.infer<typeof Province>;
