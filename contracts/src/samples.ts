/**
 * One valid example of every message type: used by the docs (AsyncAPI examples), the tests and
 * the benchmark. Case types take sealed content, since their content is never in the clear.
 */
import { caseLaw, type CasePurpose } from "./case-law.ts";
import type { InputOf, MessageType } from "./catalog.ts";
import { BUILTIN_GLOSSARY } from "./glossary-builtin.ts";
import { newMessageId } from "./ids.ts";
import type { SealedContent } from "./messages/sealed.ts";

/** The law fields of a case message in antwerpen's LIVC-R (composition version 1). */
const law = (purpose: CasePurpose) => caseLaw("antwerpen", 1, purpose);

const inOneDay = (): string => new Date(Date.now() + 86_400_000).toISOString();

/** Example sealed content (not decryptable); real messages seal with the bus's `seal()`. */
export const EXAMPLE_SEALED: SealedContent = {
  alg: "X25519-HKDF-SHA256-A256GCM",
  ephemeralPublicKey: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  iv: "AAAAAAAAAAAAAAAA",
  tag: "AAAAAAAAAAAAAAAAAAAAAA",
  ciphertext: "AAAA",
  recipients: [{ org: "mechelen", wrappedKey: "AAAA", iv: "AAAAAAAAAAAAAAAA", tag: "AAAAAAAAAAAAAAAAAAAAAA" }],
};

export function sampleData<T extends MessageType>(type: T, sealed: SealedContent = EXAMPLE_SEALED): InputOf<T> {
  const id = newMessageId();
  const samples: { [K in MessageType]: () => InputOf<K> } = {
    "notice.posted": () => ({
      noticeId: id, title: "Updated threat assessment for the region", body: "The threat level for public events stays at 2. See the attached guidance.",
      category: "threat-assessment", recipients: ["antwerpen", "mechelen", "vilvoorde"], ackRequired: true, ackBy: inOneDay(),
      preventionTier: "secondary", extremismForms: ["jihadist", "far-right"],
    }),
    "notice.delivered": () => ({ noticeId: id, recipient: "mechelen", deliveredAt: new Date().toISOString() }),
    "notice.acknowledged": () => ({ noticeId: id, recipient: "mechelen", acknowledgedAt: new Date().toISOString(), acknowledgedBy: "coordinating official", remark: "Taken up in the local cell" }),
    "signal.raised": () => ({
      signalId: id, kind: "polarisation", severity: "medium", title: "Rising tension between youth groups",
      description: "Online calls for confrontation near the station; no individuals named.", preventionTier: "primary", escalate: false,
    }),
    "signal.escalated": () => ({
      signalId: id, raisedBy: "vilvoorde", kind: "incident", severity: "high", title: "Threatening graffiti at a place of worship",
      description: "Symbols linked to far-right groups; police informed.", reason: "high severity, flagged for escalation by the municipality",
    }),
    "signal.acknowledged": () => ({ signalId: id, recipient: "mechelen", acknowledgedAt: new Date().toISOString(), remark: "Shared with our prevention officer" }),
    "signal.triaged": () => ({
      decisionId: newMessageId(), signalId: id, raisedBy: "vilvoorde", decision: "forward", partner: "fed-police", reason: "Far-right symbols at a place of worship: the police follow up.",
      acknowledgeBy: inOneDay(), reportBackBy: new Date(Date.now() + 7 * 86_400_000).toISOString(), decidedAt: new Date().toISOString(),
      signal: { kind: "incident", severity: "high", title: "Threatening graffiti at a place of worship", description: "Symbols linked to far-right groups; police informed.", extremismForms: ["far-right"] },
    }),
    "signal.info.provided": () => ({
      signalId: id, decisionId: newMessageId(), raisedBy: "vilvoorde", information: "The graffiti appeared twice this month, both times near the same youth centre.", providedAt: new Date().toISOString(),
    }),
    "signal.reported": () => ({ signalId: id, partner: "fed-police", outcome: "Patrols near the place of worship increased; no further incidents.", reportedAt: new Date().toISOString() }),
    "policy.update.published": () => ({
      updateId: id, domain: "onderwijs", title: "New guidance for schools on polarisation", summary: "Schools get a contact point and a guide for dialogue in class.",
      concerns: ["local"], preventionTier: "primary",
    }),
    "digest.published": () => ({
      digestId: id, municipality: "mechelen", windowStart: new Date(Date.now() - 3_600_000).toISOString(), windowEnd: new Date().toISOString(),
      items: [{ updateId: newMessageId(), domain: "welzijn", publishedBy: "welzijn", title: "Extra budget for youth work", summary: "Municipalities can apply until March.", preventionTier: "primary" }],
    }),
    "digest.read": () => ({ digestId: id, municipality: "mechelen", items: [{ updateId: newMessageId(), domain: "welzijn", publishedBy: "welzijn" }], readAt: new Date().toISOString() }),
    "digest.item.routed": () => ({
      routeId: id, digestId: newMessageId(), municipality: "mechelen", partner: "clb-mechelen", routedAt: new Date().toISOString(), remark: "For the school contact points",
      item: { updateId: newMessageId(), domain: "onderwijs", publishedBy: "onderwijs", title: "Guide for dialogue in class", summary: "A guide for teachers.", preventionTier: "primary" },
    }),
    "coordination.requested": () => ({
      requestId: id, ask: "align", topic: "Release of a detainee to the municipality", body: "Can we align the follow-up between the local cell and the justice houses?",
      respondBy: inOneDay(), preventionTier: "tertiary",
    }),
    "coordination.responded": () => ({ requestId: id, outcome: "agreed", body: "Agreed; the justice house will join the next LIVC meeting." }),
    "livc.composition.set": () => ({
      municipality: "antwerpen", version: 1, effectiveFrom: new Date().toISOString(), removed: [],
      members: [{ org: "antwerpen", roles: ["livc-coordinator", "livc-member"] }, { org: "mechelen", roles: ["livc-member"] }, { org: "fed-police", roles: ["livc-member"] }],
    }),
    "case.opened": () => ({ caseRef: "LIVC-ANTW-2026-0042", ...law("consultation"), participants: sealed.recipients.map((r) => r.org), sealed }),
    "case.consultation.requested": () => ({ consultationId: id, caseRef: "LIVC-ANTW-2026-0042", recipients: sealed.recipients.map((r) => r.org), sealed, ...law("consultation") }),
    "case.consultation.responded": () => ({ consultationId: id, caseRef: "LIVC-ANTW-2026-0042", sealed, ...law("consultation") }),
    "case.plan.set": () => ({
      caseRef: "LIVC-ANTW-2026-0042", ...law("follow-up"), planVersion: 1, participants: sealed.recipients.map((r) => r.org),
      tasks: [{ taskId: newMessageId(), owner: "mechelen", dueBy: inOneDay() }], sealed,
    }),
    "case.task.reported": () => ({ caseRef: "LIVC-ANTW-2026-0042", ...law("follow-up"), taskId: newMessageId(), owner: "mechelen", sealed }),
    "case.closed": () => ({ caseRef: "LIVC-ANTW-2026-0042", ...law("follow-up"), reason: "goal-reached", participants: sealed.recipients.map((r) => r.org) }),
    "case.corrected": () => ({
      caseRef: "LIVC-ANTW-2026-0042", ...law("follow-up"), field: "summary", participants: sealed.recipients.map((r) => r.org), sealed,
    }),
    "case.key.requested": () => ({ caseRef: "LIVC-ANTW-2026-0042", ...law("consultation"), exchangeKey: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }),
    "case.key.granted": () => ({ caseRef: "LIVC-ANTW-2026-0042", ...law("consultation"), participant: "mechelen", keyId: "AAAAAAAAAAAAAAAAAAAAAA", sealed }),
    "case.erased": () => ({ caseRef: "LIVC-ANTW-2026-0042", livc: "antwerpen", keyId: "AAAAAAAAAAAAAAAAAAAAAA", reason: "retention", participants: sealed.recipients.map((r) => r.org) }),
    "case.transferred": () => ({ caseRef: "LIVC-ANTW-2026-0042", ...law("transfer"), toLivc: "mechelen", sealed }),
    "knowledge.shared": () => ({
      knowledgeId: id, format: "study-day", title: "Study day: local approach to polarisation", summary: "VVSG invites coordinating officials to share practice.",
      date: inOneDay(), location: "Brussel", preventionTier: "primary", extremismForms: ["far-right"], domain: "jeugd",
    }),
    "knowledge.curated": () => ({
      knowledgeId: id, decision: "published", sharedBy: "mechelen", curatedAt: new Date().toISOString(),
      knowledge: { knowledgeId: id, format: "intervision", title: "Intervision: working with families", summary: "Coordinating officials compare their approach." },
    }),
    "escalation.raised": () => ({
      escalationId: id,
      obligation: { kind: "acknowledgement", reference: newMessageId(), sourceMessageId: newMessageId(), owedBy: "vilvoorde", owedTo: "fed-ocam", deadline: new Date().toISOString() },
      missedAt: new Date().toISOString(), summary: "vilvoorde did not acknowledge the notice in time",
    }),
    "glossary.proposed": () => ({
      proposalId: id, basedOn: 1, proposedAt: new Date().toISOString(), reason: "Municipalities report online hate campaigns that fit no kind.",
      change: { action: "add", vocabulary: "signal-kind", term: "online-hate", label: { nl: "online haat", en: "online hate" }, definition: "A campaign of hateful messages online aimed at a group or person in the municipality." },
    }),
    "glossary.adopted": () => ({ proposalId: id, proposedBy: "onderwijs", glossary: { ...BUILTIN_GLOSSARY, version: 2, adoptedAt: new Date().toISOString(), adoptedBy: "vpr", proposalId: id } }),
    "read.recorded": () => ({
      readId: id, person: "m.peeters", organisation: "mechelen", role: "livc-member", interface: "console", purpose: "notice detail",
      kind: "notice", messageIds: [newMessageId()], caseRef: "LIVC-MECH-2026-0042",
    }),
  };
  return (samples[type] as () => InputOf<T>)();
}
