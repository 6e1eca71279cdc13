/**
 * Opening the person's details of a notice (a detainee's release) at the municipality of
 * residence or at a member of its LIVC-R, the organisations they are sealed to. The opening is
 * recorded in the read audit first; nothing opens when that fails. Every other recipient holds the
 * redaction marker and is told who may open the details.
 */
import { PersonDetails, SchakelError } from "@schakel/contracts";
import { open, type Bus, type ReadInput } from "@schakel/contracts/bus";
import { latestVersion } from "../livc/composition.ts";
import type { ReceivedNotice } from "../records.ts";
import { orgState, type OrgState } from "../state.ts";

export type PersonReader = Pick<ReadInput, "person" | "role" | "interface" | "purpose">;

/** The details, or undefined when the notice concerns no person; throws SchakelError("sealed") naming who may open them where this copy cannot. */
export async function openNoticePerson(bus: Bus, noticeId: string, reader: PersonReader = { interface: "service", purpose: "person details of a notice" }): Promise<PersonDetails | undefined> {
  const state = await orgState(bus);
  const notice = (await state.notices.get(noticeId))?.value;
  if (!notice) throw new SchakelError("not-found", `no notice ${noticeId} has reached "${bus.org}"`, { noticeId });
  if (!notice.person) return undefined;
  if ("redacted" in notice.person || !notice.person.sealed.recipients.some((r) => r.org === bus.org)) {
    const mayOpen = await whoMayOpen(state, notice);
    throw new SchakelError(
      "sealed",
      `the person's details of notice ${noticeId} are only for ${mayOpen.text} (purposes ${notice.person.purposes.join(", ")}): "${bus.org}" received the redaction marker`,
      { noticeId, mayOpen: mayOpen.orgs },
    );
  }
  await bus.recordRead({ ...reader, kind: "notice", messageIds: [notice.message.id] });
  return PersonDetails.parse(open(notice.person.sealed, bus.org, bus.identity.sealingPrivateKey));
}

/** Who may open a notice's details, as far as this organisation knows: the residence, and its LIVC-R members when it holds the composition. */
async function whoMayOpen(state: OrgState, notice: ReceivedNotice): Promise<{ text: string; orgs: string[] }> {
  const residence = notice.residence;
  if (!residence) return { text: "the municipality of residence", orgs: [] };
  const composition = (await state.livc.get(residence))?.value;
  const members = composition ? latestVersion(composition).members.map((m) => m.org).filter((org) => org !== residence) : [];
  if (!composition) return { text: `${residence} and those members of its LIVC-R the notice is addressed to`, orgs: [residence] };
  return { text: `${residence} and those members of its LIVC-R (${members.join(", ") || "none"}) the notice is addressed to`, orgs: [residence, ...members] };
}
