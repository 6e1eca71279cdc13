/**
 * The read audit's sending side: one signed `read.recorded` on the reader organisation's own READS
 * subject (`reads.<org>.<org>.read.recorded`), acknowledged by the stream before the caller shows
 * anything. Only the audit identity reads READS; it chains each record, so `schakel audit reads`
 * answers who saw what about whom. The organisation is the bus's own: a reader speaks only for
 * its organisation (receivers refuse a record naming another, `sender-mismatch`).
 */
import type { InputOf } from "../catalog.ts";
import { newMessageId } from "../ids.ts";
import type { Bus, Published } from "./bus.ts";

/** What a reader says about one read: everything but its id and organisation (the bus's own). */
export type ReadInput = Omit<InputOf<"read.recorded">, "readId" | "organisation">;

/**
 * Records one read and resolves once READS has stored it. Throws SchemaError for an invalid read
 * (a person without a role, an unknown kind), or SchakelError when the bus refused or did not answer:
 * a caller that cannot record the read must not show the content.
 */
export function recordRead(bus: Bus, read: ReadInput): Promise<Published> {
  const readId = newMessageId();
  return bus.publish("read.recorded", { ...read, readId, organisation: bus.org }, { to: bus.org, id: readId });
}
