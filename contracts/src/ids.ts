/**
 * Identifiers: organisation ids, message ids, trace ids. Message ids are UUIDv7 (time-ordered,
 * 74 random bits) so that no organisation can predict another's id and pre-empt it in the
 * stream's duplicate window.
 */
import { randomFillSync } from "node:crypto";
import { z } from "zod";
import { AUDIENCE_GROUPS } from "./vocabulary.ts";

/** Organisation ids are single subject tokens: lower-case letters, digits and dashes. */
export const OrgId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, "an organisation id is 2–40 characters: lower-case letters, digits and '-', starting with a letter")
  .refine((id) => !(AUDIENCE_GROUPS as readonly string[]).includes(id), "an organisation id may not be an audience group name (all, local, flemish, federal, supralocal)");
export type OrgId = z.infer<typeof OrgId>;

/** An audience: an organisation id or a group. Same token rules as an organisation id. */
export const Audience = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, "an audience is an organisation id or one of all, local, flemish, federal, supralocal");
export type Audience = z.infer<typeof Audience>;

export const MessageId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "a message id is a lower-case UUID");
export type MessageId = z.infer<typeof MessageId>;

/** A W3C trace id: 32 lower-case hex characters, not all zero. */
export const TraceId = z.string().regex(/^(?!0{32})[0-9a-f]{32}$/, "a trace id is 32 lower-case hex characters");

/** A pseudonymous case reference, e.g. `LIVC-MECH-2026-0042`; never a name or national number. */
export const CaseRef = z
  .string()
  .regex(/^[A-Z]{2,8}-[A-Z0-9]{2,8}-\d{4}-\d{1,6}$/, "a case reference is pseudonymous, like LIVC-MECH-2026-0042");

/**
 * Random bytes for ids, drawn from a pool that the CSPRNG refills 4 KB at a time: one OpenSSL
 * call per ~100 messages instead of three per message (each call costs several µs; a draw from
 * the pool is a slice). Same generator, same random bits per id; every byte is handed out once.
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** Reserves `n` fresh random bytes in the pool and returns their offset. */
function draw(n: number): number {
  if (poolOffset + n > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += n;
  return at;
}

/** A new UUIDv7: 48 bits of milliseconds, then random bits. */
export function newMessageId(now: number = Date.now()): string {
  const at = draw(16);
  pool.writeUIntBE(now, at, 6);
  pool[at + 6] = (pool[at + 6]! & 0x0f) | 0x70;
  pool[at + 8] = (pool[at + 8]! & 0x3f) | 0x80;
  const h = pool.toString("hex", at, at + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Formats 16 bytes (e.g. an HMAC prefix) as a UUIDv8 (custom) id. */
export function uuidFromBytes(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function newTraceId(): string {
  const at = draw(16);
  return pool.toString("hex", at, at + 16);
}

export function newSpanId(): string {
  const at = draw(8);
  return pool.toString("hex", at, at + 8);
}
