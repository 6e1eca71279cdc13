/**
 * Scenarios 4–6 need packages built in parallel with this suite (@schakel/tracing,
 * @schakel/console). They are loaded at run time; when a package or one of the exports a
 * scenario needs is missing, the scenario reports "not available: <why>" instead of a figure.
 */

/** The module, or a sentence saying what is missing. */
export async function loadOptional<T>(pkg: string, exports: string[]): Promise<T | string> {
  let mod: Record<string, unknown>;
  try {
    // A variable specifier: the package may not exist yet when this suite is type-checked.
    const name: string = pkg;
    mod = (await import(name)) as Record<string, unknown>;
  } catch (err) {
    return `${pkg} could not be loaded (${String((err as Error)?.message ?? err).split("\n")[0]})`;
  }
  const missing = exports.filter((e) => typeof mod[e] !== "function" && typeof mod[e] !== "object");
  if (missing.length) return `${pkg} does not export ${missing.join(", ")} yet`;
  return mod as T;
}
