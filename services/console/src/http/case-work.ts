/**
 * The console's way to the organisation library's case work: the cases, compositions and case
 * content live in each organisation's own bucket and case key folder, not in the read model, so
 * they are read over the organisation's connection (the publisher's, bound to its case keys).
 * Which person roles of an organisation take part in an LIVC-R (any composition it knows that
 * lists it) is kept for a short while, so the navigation can ask without waiting on the bus.
 */
import { personMay, type CaseContent, type Person, type PersonRole } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import {
  caseFiles, latestVersion, livcCompositions, openCaseConsultation, openCaseFile, openContent, orgState, requireCase,
  type CaseFile, type CaseReader, type CaseTransferIn, type IncomingConsultation, type LivcComposition, type OpenedCase, type OpenedConsultation, type OutgoingConsultation,
} from "@schakel/organisation";

/** How long an organisation's taking part is trusted before it is looked up again. */
const PARTICIPATION_TTL_MS = 30_000;

interface Participation {
  roles: ReadonlySet<PersonRole>;
  at: number;
}

export interface CaseWork {
  /** The cases `org` takes part in, newest first (metadata; nothing is opened). */
  files(org: string): Promise<CaseFile[]>;
  /** One case as `org` holds it; throws SchakelError("not-found") naming the case when `org` does not take part. */
  file(org: string, caseRef: string): Promise<CaseFile>;
  /** Opens what of the case is sealed to `org`, for `reader` (the read is recorded first, by the library). */
  open(org: string, caseRef: string, reader: CaseReader): Promise<OpenedCase>;
  /** The LIVC-R compositions `org` knows (every version), by municipality. */
  compositions(org: string): Promise<LivcComposition[]>;
  /** The consultations of `caseRef` that `org` was asked or asked (records, content sealed). */
  consultations(org: string, caseRef: string): Promise<{ incoming: IncomingConsultation[]; outgoing: OutgoingConsultation[] }>;
  /** Opens one consultation for `reader` (the read is recorded first, by the library); undefined when `org` is no party to it. */
  openConsultation(org: string, consultationId: string, reader: CaseReader): Promise<OpenedConsultation | undefined>;
  /** The cases handed over to `org`'s LIVC-R, newest first (records, hand-over sealed). */
  transfersIn(org: string): Promise<CaseTransferIn[]>;
  /** The case `caseRef` handed over to `org`'s LIVC-R, if one was (record, hand-over sealed). */
  transferIn(org: string, caseRef: string): Promise<CaseTransferIn | undefined>;
  /** Opens the hand-over `transfer` (one of `org`'s `transferIn`) for `reader`, the read recorded first. */
  openHandover(org: string, transfer: CaseTransferIn, reader: CaseReader): Promise<CaseContent>;
  /** The person roles of `org` that take part in an LIVC-R it knows (looked up now). */
  participation(org: string): Promise<ReadonlySet<PersonRole>>;
  /**
   * Whether the navigation offers the case pages to `person`: a platform coordinator of the
   * platform, or a person whose role takes part for their organisation. Answers at once from what
   * was last looked up (looking again in the background when that is old); before the first look,
   * from the person's roles alone.
   */
  inNavigation(person: Person): boolean;
  /** Whether `person` is the platform's coordinator (who sees case metadata only). */
  isPlatformCoordinator(person: Person): boolean;
}

/** The person roles `org` holds in the latest version of each composition that lists it. */
export function rolesTakingPart(org: string, compositions: readonly LivcComposition[]): Set<PersonRole> {
  const roles = new Set<PersonRole>();
  for (const c of compositions) for (const r of latestVersion(c).members.find((m) => m.org === org)?.roles ?? []) roles.add(r);
  return roles;
}

export interface CaseWorkOptions {
  /** Whether the bus is reachable now; the navigation does not look anything up while it is not. Default: always. */
  reachable?: () => boolean;
  now?: () => number;
}

/** Case work over `connection` (an organisation's bus, bound to its case keys); `platform` is the platform organisation. */
export function caseWorkOver(connection: (org: string) => Promise<Bus>, platform: string, opts: CaseWorkOptions = {}): CaseWork {
  const now = opts.now ?? Date.now;
  const reachable = opts.reachable ?? (() => true);
  const known = new Map<string, Participation>();
  const looking = new Map<string, Promise<ReadonlySet<PersonRole>>>();

  const participation = (org: string): Promise<ReadonlySet<PersonRole>> => {
    let p = looking.get(org);
    if (!p) {
      p = (async () => {
        const roles = rolesTakingPart(org, await livcCompositions(await connection(org)));
        known.set(org, { roles, at: now() });
        return roles;
      })().finally(() => looking.delete(org));
      looking.set(org, p);
    }
    return p;
  };
  const isPlatformCoordinator = (person: Person) => person.organisation === platform && person.roles.includes("platform-coordinator");

  return {
    files: async (org) => caseFiles(await connection(org)),
    file: async (org, caseRef) => requireCase(await orgState(await connection(org)), caseRef),
    open: async (org, caseRef, reader) => openCaseFile(await connection(org), caseRef, reader),
    compositions: async (org) => livcCompositions(await connection(org)),
    consultations: async (org, caseRef) => {
      const state = await orgState(await connection(org));
      const [incoming, outgoing] = await Promise.all([state.consultationsIn.list(), state.consultationsOut.list()]);
      return { incoming: incoming.map((x) => x.value).filter((c) => c.caseRef === caseRef), outgoing: outgoing.map((x) => x.value).filter((c) => c.caseRef === caseRef) };
    },
    openConsultation: async (org, consultationId, reader) => openCaseConsultation(await connection(org), consultationId, reader),
    transfersIn: async (org) => (await (await orgState(await connection(org))).transfersIn.list()).map((x) => x.value).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)),
    transferIn: async (org, caseRef) => (await (await orgState(await connection(org))).transfersIn.get(caseRef))?.value,
    openHandover: async (org, transfer, reader) => {
      const bus = await connection(org);
      // The hand-over is sealed to the receiving municipality alone, without the old case's key.
      await bus.recordRead({ ...reader, kind: "case-content", caseRef: transfer.caseRef, messageIds: [transfer.message.id] });
      return openContent(bus, transfer.sealed);
    },
    participation,
    isPlatformCoordinator,
    inNavigation(person) {
      if (isPlatformCoordinator(person)) return true;
      if (!personMay(person.roles, "open-case-content")) return false;
      const seen = known.get(person.organisation);
      // Looked up again in the background; a failure (the bus away) keeps what was known.
      if ((!seen || now() - seen.at > PARTICIPATION_TTL_MS) && reachable()) participation(person.organisation).catch(() => undefined);
      return seen ? person.roles.some((r) => seen.roles.has(r)) : true;
    },
  };
}
