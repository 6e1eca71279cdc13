/**
 * Finding a message addressed to this organisation in its own feed, when its service has not
 * recorded it (not running, or not yet): how an official can acknowledge a notice or answer a
 * request all the same, and how the answer is then kept in the organisation's record, so that
 * answering again sends nothing new. The search starts shortly before the time in the id (UUIDv7).
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

/** The record operations answering needs (a RecordBucket of the answered kind has them). */
export interface AnsweredRecords<R extends object> {
  get(key: string): Promise<{ value: R } | undefined>;
  create(key: string, value: R): Promise<{ created: boolean }>;
  mutate(key: string, change: (current: R | undefined) => R | undefined): Promise<unknown>;
}

/** A message to answer: its record, and whether the organisation's service had recorded it. */
export interface ToAnswer<R> {
  record: R;
  recorded: boolean;
}

/**
 * What an official answers: the organisation's record of the `type` message with business id `id`,
 * or else a record made by `recordOf` from the copy addressed to it in its feed; undefined when
 * neither holds it.
 * @throws FeedSlotsInUseError when the feed is needed and every slot of the organisation is taken.
 */
export async function recordedOrInFeed<R extends object, T extends MessageType>(
  records: AnsweredRecords<R>, bus: Bus, type: T, id: string, recordOf: (envelope: Envelope<DataOf<T>>, data: DataOf<T>) => R,
): Promise<ToAnswer<R> | undefined> {
  const stored = (await records.get(id))?.value;
  if (stored) return { record: stored, recorded: true };
  const found = await addressedInFeed(bus, type, id);
  return found && { record: recordOf(found.envelope, found.data), recorded: false };
}

/**
 * Keeps an answer (`{ acknowledgement }`, `{ response }`) in the record of what was answered: a
 * record made from the feed is stored with it, unless the service recorded the message meanwhile;
 * a record that already holds an answer keeps that one.
 */
export async function keepAnswer<R extends object>(records: AnsweredRecords<R>, id: string, answered: ToAnswer<R>, answer: Partial<R>): Promise<void> {
  if (!answered.recorded && (await records.create(id, { ...answered.record, ...answer })).created) return;
  const holdsAnswer = (r: R) => Object.keys(answer).some((k) => (r as Record<string, unknown>)[k] !== undefined);
  await records.mutate(id, (cur) => (cur && !holdsAnswer(cur) ? { ...cur, ...answer } : undefined));
}
