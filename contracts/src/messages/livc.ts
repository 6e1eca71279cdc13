/**
 * The composition of a municipality's LIVC-R (local integral security cell for radicalisation):
 * which organisations are members, and which of their persons' roles take part. Set by the
 * municipality itself, versioned (each version replaces the previous one), sent to every member
 * (and every organisation it removes) and to the platform. Case content may be sealed only to the
 * members of the version in force.
 */
import { z } from "zod";
import { OrgId } from "../ids.ts";
import { PersonRole } from "../persons.ts";
import { Timestamp } from "./common.ts";

export const LivcMember = z.object({
  org: OrgId,
  roles: z.array(PersonRole).min(1).max(6).describe("the person roles of this organisation that take part in the consultation"),
});
export type LivcMember = z.infer<typeof LivcMember>;

export const LivcCompositionSet = z.object({
  municipality: OrgId.describe("the municipality whose LIVC-R this is: the sender itself"),
  version: z.number().int().min(1),
  members: z
    .array(LivcMember)
    .min(1)
    .max(40)
    .refine((m) => new Set(m.map((x) => x.org)).size === m.length, "an organisation is listed twice: list each member once"),
  removed: z.array(OrgId).max(40).default([]).describe("organisations that were members of the previous version and no longer are"),
  effectiveFrom: Timestamp,
});
export type LivcCompositionSet = z.infer<typeof LivcCompositionSet>;
