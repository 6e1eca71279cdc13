/**
 * Locating the nats-server executable. Checked *before* spawning so a
 * machine without the server fails with an actionable message instead of a
 * bare ENOENT from child_process.
 */
import { accessSync, constants } from "node:fs";
import path from "node:path";

/** Error thrown when no usable nats-server binary can be found. */
export class NatsServerNotFoundError extends Error {
  override name = "NatsServerNotFoundError";
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolve the nats-server binary: `NATS_SERVER_BIN` if set (and then only
 * that — a wrong explicit path must not silently fall back), else the first
 * `nats-server` on PATH, else `/usr/sbin/nats-server` (Debian installs it
 * there, which is not on a non-root user's PATH).
 *
 * @throws NatsServerNotFoundError naming `apt-get install nats-server`.
 */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env["NATS_SERVER_BIN"];
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new NatsServerNotFoundError(
      `NATS_SERVER_BIN=${explicit} is not an executable file. ` +
        "Point it at a nats-server binary, or unset it and install one with `apt-get install nats-server`.",
    );
  }
  const dirs = (env["PATH"] ?? "").split(path.delimiter).filter(Boolean);
  for (const dir of [...dirs, "/usr/sbin", "/usr/local/bin"]) {
    const candidate = path.join(dir, "nats-server");
    if (isExecutable(candidate)) return candidate;
  }
  throw new NatsServerNotFoundError(
    "nats-server not found on PATH. Install it with `apt-get install nats-server` " +
      "(Debian/Ubuntu) or set NATS_SERVER_BIN to the binary's path.",
  );
}
