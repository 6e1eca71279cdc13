/**
 * Organisations and the public key directory. The registry (infra/registry.json) says who exists;
 * the directory, generated from it, holds each organisation's public keys so that every receiver
 * can verify senders and seal case content without asking the broker.
 */
import { z } from "zod";
import { OrgId } from "./ids.ts";
import { Level, Role } from "./vocabulary.ts";

export const Organisation = z.object({
  id: OrgId,
  name: z.string().trim().min(2).max(120),
  level: Level,
  roles: z.array(Role).min(1),
  /** For policy domains: which domain they speak for. */
  domain: z.string().optional(),
});
export type Organisation = z.infer<typeof Organisation>;

export const Registry = z
  .object({
    organisations: z.array(Organisation).min(1),
  })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.organisations.forEach((o, i) => {
      if (seen.has(o.id)) ctx.addIssue({ code: "custom", path: ["organisations", i, "id"], message: `duplicate organisation id "${o.id}"` });
      seen.add(o.id);
    });
  });
export type Registry = z.infer<typeof Registry>;

export const SigningKey = z.object({
  key: z.string().regex(/^U[A-Z2-7]{55}$/, "a public user nkey (U…)"),
  createdAt: z.iso.datetime({ offset: true }),
  revokedAt: z.iso.datetime({ offset: true }).optional(),
});
export type SigningKey = z.infer<typeof SigningKey>;

export const DirectoryEntry = Organisation.extend({
  signingKeys: z.array(SigningKey).min(1),
  /** X25519 public key (nkeys curve key, X…) that case content is sealed to. */
  sealingKey: z.string().regex(/^X[A-Z2-7]{55}$/, "a public curve nkey (X…)"),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

export const Directory = z.object({
  generatedAt: z.iso.datetime({ offset: true }),
  organisations: z.array(DirectoryEntry),
});
export type Directory = z.infer<typeof Directory>;
