/**
 * The read audit: one record each time a person (in the console or the CLI) or a service views
 * something sensitive — a notice or record that carries a case reference, a trace, sealed case
 * content, an export. Published by the reader's organisation on its own READS subject, read by the
 * audit identity only, which chains it so `schakel audit reads` answers "who saw what about whom".
 * The person id is in the clear: nobody but the audit (and the operator) reads READS.
 */
import { z } from "zod";
import { CaseRef, MessageId, OrgId } from "../ids.ts";
import { PersonId, PersonRole } from "../persons.ts";
import { lineText } from "./common.ts";

/** Through which interface the content was shown. */
export const READ_INTERFACES = ["console", "cli", "service"] as const;
export const ReadInterface = z.enum(READ_INTERFACES);
export type ReadInterface = z.infer<typeof ReadInterface>;

/** What was shown. */
export const READ_KINDS = ["notice", "record", "trace", "case-content", "export"] as const;
export const ReadKind = z.enum(READ_KINDS);
export type ReadKind = z.infer<typeof ReadKind>;

export const ReadRecorded = z
  .object({
    readId: MessageId.describe("this read's own id (the envelope id)"),
    person: PersonId.optional().describe("who read, in the clear; absent: the organisation's service (or an operator without a sign-in) read"),
    organisation: OrgId.describe("the reader's organisation: must be the sender"),
    role: PersonRole.optional().describe("the role the person read in; 'operator' for an operator without a sign-in"),
    interface: ReadInterface,
    purpose: lineText().min(3).max(200).describe("why: the view or command, e.g. 'notice detail' or 'schakel trace'"),
    kind: ReadKind,
    messageIds: z.array(MessageId).max(500).describe("the messages shown (envelope ids)"),
    caseRef: CaseRef.optional().describe("the pseudonymous case the shown content is about"),
  })
  .refine((r) => r.person === undefined || r.role !== undefined, { message: "a read by a person names the role they read in", path: ["role"] });
export type ReadRecorded = z.infer<typeof ReadRecorded>;
