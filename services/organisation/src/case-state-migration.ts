/**
 * Moving case state out of `org-<id>`. Earlier releases kept an organisation's case records
 * (`case-file.*`, `case-in.*`, `case-out.*`, `case-transfer-in.*`) in its own bucket, which keeps
 * everything without limit; they now live in the case state bucket `case-<id>`, which keeps a write
 * only as long as the CASE stream keeps case messages. Opening the state moves what an earlier
 * release left behind: each record is copied under the same key, then its old key is purged (the
 * purge takes the key's history with it), and a marker records that the move is done, so a later
 * opening costs one read. A bucket this release provisioned never held them: it is created with the
 * marker in it, so an organisation's first start costs that one read too.
 *
 * Two processes of one organisation opening at once: one claims the move (a compare-and-set
 * create of a claim key), the other waits for the marker (a watch, not a poll). Listing keys while
 * another process purges them can stall the listing on nats-server 2.9 until the consumer's idle
 * heartbeat (30 s), so the claim keeps the two apart. A claim older than {@link CASE_STATE_CLAIM_MS} (its
 * holder died) is taken over. Nothing is lost either way: a key is purged only after its copy
 * exists, and a copy is a create, so a record already in the case bucket (copied before, or
 * written there since) is kept as it is.
 */
import { CASE_STATE_MOVED_KEY } from "@schakel/contracts";
import { isRevisionConflict, storedKeys, type RecordStore } from "@schakel/contracts/bus";

export { CASE_STATE_MOVED_KEY };

/** A bucket's record store that can also purge a key with its history and watch a key (a KV bucket). */
export interface MovableStore extends RecordStore {
  purge(key: string): Promise<void>;
  watch: NonNullable<RecordStore["watch"]>;
}

/** The key in `org-<id>` a process holds while it moves them. */
const CLAIM_KEY = "moving.case-state";
/** How long a claim holds before another process may take the move over. */
export const CASE_STATE_CLAIM_MS = 60_000;

export interface MovedCaseState {
  /** Records copied into the case bucket by this call (0 when the move was done before or by another process). */
  moved: number;
  /** Old keys purged from `org-<id>` by this call. */
  purged: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const isDone = async (from: RecordStore): Promise<boolean> => (await from.get(CASE_STATE_MOVED_KEY))?.operation === "PUT";

/** Claims the move, or takes over a claim older than CASE_STATE_CLAIM_MS; false while another process holds it. */
async function claim(from: RecordStore, now: number): Promise<{ claimed: true } | { claimed: false; until: number }> {
  const mine = enc.encode(JSON.stringify({ at: new Date(now).toISOString() }));
  try {
    await from.create(CLAIM_KEY, mine);
    return { claimed: true };
  } catch (err) {
    if (!isRevisionConflict(err)) throw err;
  }
  const held = await from.get(CLAIM_KEY);
  if (!held || held.operation !== "PUT") return claim(from, now);
  let at = 0;
  try {
    at = Date.parse((JSON.parse(dec.decode(held.value)) as { at?: string }).at ?? "") || 0;
  } catch {
    at = 0;
  }
  if (now - at < CASE_STATE_CLAIM_MS) return { claimed: false, until: at + CASE_STATE_CLAIM_MS };
  try {
    await from.update(CLAIM_KEY, mine, held.revision);
    return { claimed: true };
  } catch (err) {
    if (!isRevisionConflict(err)) throw err;
    return { claimed: false, until: now + CASE_STATE_CLAIM_MS };
  }
}

/** Whether the marker appears before `until` (ms since the epoch). */
async function markedBefore(from: MovableStore, until: number): Promise<boolean> {
  const watch = await from.watch({ key: CASE_STATE_MOVED_KEY });
  const timer = setTimeout(() => watch.stop(), Math.max(0, until - Date.now()));
  try {
    for await (const e of watch) if (e.operation === "PUT") return true;
    return false;
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
}

async function moveAll(from: MovableStore, to: RecordStore, prefixes: readonly string[]): Promise<MovedCaseState> {
  let moved = 0;
  let purged = 0;
  for (const prefix of prefixes) {
    // Keys first, then the moves. Read from the stream's subject index (one request, no consumer):
    // a key listing made a consumer per prefix, four per organisation, which nats-server keeps in
    // files for minutes and recovers at every restart — 2 400 of them for 600 organisations.
    const keys = await storedKeys(from, `${prefix}.>`);
    for (const key of keys) {
      const old = await from.get(key);
      if (old?.operation === "PUT") {
        try {
          await to.create(key, old.value);
          moved++;
        } catch (err) {
          // Already in the case bucket: copied before, or written there since. Keep it.
          if (!isRevisionConflict(err)) throw err;
        }
      }
      await from.purge(key);
      purged++;
    }
  }
  return { moved, purged };
}

/**
 * Moves every record under `prefixes` from `from` (`org-<id>`) into `to` (`case-<id>`), unless
 * the marker says it was done; waits while another process moves them. Throws the bucket's error
 * when a read, copy or purge fails; the next opening tries again.
 */
export async function moveCaseState(from: MovableStore, to: RecordStore, prefixes: readonly string[]): Promise<MovedCaseState> {
  for (;;) {
    if (await isDone(from)) return { moved: 0, purged: 0 };
    const c = await claim(from, Date.now());
    if (c.claimed) {
      // Another process may have finished between the look and the claim.
      if (!(await isDone(from))) break;
      await from.purge(CLAIM_KEY);
      return { moved: 0, purged: 0 };
    }
    if (await markedBefore(from, c.until)) return { moved: 0, purged: 0 };
  }
  const done = await moveAll(from, to, prefixes);
  await from.put(CASE_STATE_MOVED_KEY, JSON.stringify({ movedAt: new Date().toISOString(), ...done, prefixes }));
  await from.purge(CLAIM_KEY);
  return done;
}
