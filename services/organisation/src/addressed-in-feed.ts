/**
 * Finding a message addressed to this organisation in its own feed, when its service has not
 * recorded it (not running, or not yet): how an official can acknowledge a notice or answer a
 * request all the same. The search starts shortly before the time in the id (UUIDv7).
 */
import { catalog, type DataOf, type Envelope, type MessageType } from "@schakel/contracts";
import { findInFeed, type Bus } from "@schakel/contracts/bus";
import { isAddressedTo } from "./addressing.ts";

/**
 * The first copy of a `type` message whose business id (its catalog `reference` field) is `id`,
 * addressed to the bus's organisation; undefined when there is none.
 * @throws FeedSlotsInUseError when every feed slot of the organisation is taken.
 */
export async function addressedInFeed<T extends MessageType>(bus: Bus, type: T, id: string): Promise<{ envelope: Envelope<DataOf<T>>; data: DataOf<T> } | undefined> {
  const field = catalog[type].reference;
  const found = await findInFeed(bus, (m) => m.verdict.type === type && isAddressedTo(bus.directory, bus.org, m.verdict.envelope)
    && (m.verdict.envelope.data as Record<string, unknown>)[field] === id, { near: id });
  if (!found) return undefined;
  const envelope = found.verdict.envelope as Envelope<DataOf<T>>;
  return { envelope, data: envelope.data };
}
