/**
 * The upgrade of a leaf's store to per-organisation leaf accounts. The previous release put every
 * user of a leaf in nats-server's global account, so its OUTBOX lives under `$G`; this release
 * keeps it in the account `LEAF.outboxAccount`. nats-server 2.9 knows which account a stream
 * belongs to only from the folder it finds it in (`<store_dir>/jetstream/<account>/streams/`):
 * not from the stream's metadata, and not depending on the JetStream domain. Moving the folder
 * while the leaf is stopped hands the OUTBOX to its new account with every message, its sequence
 * numbers (the hub's sources resume where they stopped), its duplicate window and its consumers.
 * An encrypted store is the exception: its stream keys are derived from the account name.
 */
import { mkdir, rename, stat } from "node:fs/promises";
import path from "node:path";
import { LEAF } from "@schakel/contracts";

/** nats-server's global account: where the previous release's leaf stored its OUTBOX. */
const GLOBAL_ACCOUNT = "$G";
/** The file nats-server writes beside an encrypted stream's metadata. */
const STREAM_KEY_FILE = "meta.key";

export type OutboxMove = "moved" | "nothing to move";

/** The folder of the OUTBOX of `account` in the JetStream store `storeDir` (the configured `store_dir`). */
export function outboxFolder(storeDir: string, account: string): string {
  return path.join(storeDir, "jetstream", account, "streams", LEAF.outboxStream);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

/**
 * Moves a leaf's OUTBOX from the global account to its own account; run while the leaf's server
 * is stopped, before it starts with this release's config. "nothing to move" on a new leaf and on
 * one already upgraded.
 * @throws when both accounts hold an OUTBOX (the leaf already ran this release's config, and the
 *   OUTBOX it created there would hide the previous one), or when the previous one is encrypted.
 */
export async function moveOutboxToItsAccount(storeDir: string): Promise<OutboxMove> {
  const previous = outboxFolder(storeDir, GLOBAL_ACCOUNT);
  const current = outboxFolder(storeDir, LEAF.outboxAccount);
  if (!(await exists(previous))) return "nothing to move";
  if (await exists(current)) {
    throw new Error(
      `leaf store ${storeDir} holds two OUTBOX streams: the previous release's in ${previous} and one in ${current}, ` +
      "created when the leaf already ran with the new config. Stop the leaf, check that the new OUTBOX holds nothing " +
      "the hub has not sourced yet, remove its folder, and run the upgrade again: it then moves the previous OUTBOX (its unsent messages included) into place.",
    );
  }
  if (await exists(path.join(previous, STREAM_KEY_FILE))) {
    throw new Error(
      `the OUTBOX in ${previous} is encrypted: nats-server derives its key from the account name, so it cannot be moved to ` +
      `account "${LEAF.outboxAccount}". Let the previous release's leaf forward it to the hub before upgrading.`,
    );
  }
  await mkdir(path.dirname(current), { recursive: true });
  await rename(previous, current);
  return "moved";
}
