/**
 * A small state file written whole or not at all: the text goes to a partial file beside it, which
 * is then renamed over the target (a rename within one folder is atomic). A reader, or the next
 * start after a crash, never sees half a file.
 */
import { rename, writeFile } from "node:fs/promises";

/** Numbers this process's partial files, so two writes of one file at once do not share one. */
let written = 0;

export async function writeWhole(path: string, text: string, mode?: number): Promise<void> {
  const partial = `${path}.${process.pid}-${++written}.partial`;
  await writeFile(partial, text, mode === undefined ? {} : { mode });
  await rename(partial, path);
}
