/**
 * The organisation registry: who exists, at which level, with which roles. Adding an
 * organisation is one entry in registry.json; `schakel identities generate` then gives it keys,
 * permissions and consumers.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Registry, SchakelError } from "@schakel/contracts";

/** The demo registry shipped with Schakel. */
export const DEFAULT_REGISTRY_PATH = fileURLToPath(new URL("../registry.json", import.meta.url));

/** Reads and validates a registry; the error names the file and each failing field. */
export function loadRegistry(path: string = DEFAULT_REGISTRY_PATH): Registry {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new SchakelError("schema", `cannot read the registry ${path}: ${(cause as Error).message}`, { path }, { cause });
  }
  const parsed = Registry.safeParse(raw);
  if (!parsed.success) {
    const list = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new SchakelError("schema", `the registry ${path} is invalid — ${list}`, { path });
  }
  return parsed.data;
}
