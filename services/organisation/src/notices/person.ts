/**
 * Opening the person's details of a notice (a detainee's release) at the municipality of
 * residence, the only organisation they are sealed to. The opening is recorded in the read audit
 * first; nothing opens when that fails. Every other recipient holds the redaction marker.
 */
import { PersonDetails, SchakelError } from "@schakel/contracts";
import { open, type Bus, type ReadInput } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";

export type PersonReader = Pick<ReadInput, "person" | "role" | "interface" | "purpose">;

/** The details, or undefined when the notice concerns no person; throws SchakelError("sealed") where they are redacted. */
export async function openNoticePerson(bus: Bus, noticeId: string, reader: PersonReader = { interface: "service", purpose: "person details of a notice" }): Promise<PersonDetails | undefined> {
  const notice = (await (await orgState(bus)).notices.get(noticeId))?.value;
  if (!notice) throw new SchakelError("not-found", `no notice ${noticeId} has reached "${bus.org}"`, { noticeId });
  if (!notice.person) return undefined;
  if ("redacted" in notice.person) {
    throw new SchakelError("sealed", `the person's details of notice ${noticeId} are for ${notice.residence ?? "the municipality of residence"} only (purposes ${notice.person.purposes.join(", ")}): "${bus.org}" received the redaction marker`, { noticeId });
  }
  await bus.recordRead({ ...reader, kind: "notice", messageIds: [notice.message.id] });
  return PersonDetails.parse(open(notice.person.sealed, bus.org, bus.identity.sealingPrivateKey));
}
