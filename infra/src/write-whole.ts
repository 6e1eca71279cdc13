/**
 * A file written whole or not at all: the text goes to a partial file beside it, which is then
 * renamed over the target (a rename within one folder is atomic). A reader — a service following
 * the key directory or its credentials, nats-server reading its config, the next start after a
 * crash — never sees half a file. Followers poll the path (fs.watchFile), so the new file is seen.
 * A path that is a symbolic link is written through: the file it points to is replaced, the link stays.
 */
import { chmod, realpath, rename, rm, writeFile } from "node:fs/promises";

/** Numbers this process's partial files, so two writes of one file at once do not share one. */
let written = 0;

export async function writeWhole(path: string, text: string, mode?: number): Promise<void> {
  const target = await realpath(path).catch(() => path);
  const partial = `${target}.${process.pid}-${++written}.partial`;
  try {
    await writeFile(partial, text, mode === undefined ? {} : { mode });
    // The mode asked for, whatever the process's umask took from it at creation.
    if (mode !== undefined) await chmod(partial, mode);
    await rename(partial, target);
  } catch (err) {
    // A full disk or a missing folder: the target stays as it was, and no partial file is left.
    await rm(partial, { force: true });
    throw err;
  }
}
