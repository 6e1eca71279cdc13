/** Every row of the matrix, in the published order (later groups were appended, so earlier rows keep their numbers). */
import { ATTACKS, CASE_BUCKET_ATTACKS, HEADER_ATTACKS, type Attack } from "./attacks.ts";
import { IDENTITY_ATTACKS } from "./identity-attacks.ts";
import { READ_AUDIT_ATTACKS } from "./read-audit-attacks.ts";

export const ALL_ATTACKS: readonly Attack[] = [...ATTACKS, ...HEADER_ATTACKS, ...IDENTITY_ATTACKS, ...READ_AUDIT_ATTACKS, ...CASE_BUCKET_ATTACKS];
