/**
 * Finding the nats-server executable: the one finder used by `schakel up`, the test harness, the
 * topology script and the benchmark. Checked before spawning so that a machine without it gets an
 * actionable message instead of a bare ENOENT.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** No usable nats-server binary was found; the message says how to install one. */
export class NatsServerMissingError extends Error {
  override name = "NatsServerMissingError";
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The nats-server binary: `NATS_SERVER_BIN` when set (and then only that, so a wrong explicit path
 * never falls back silently), else the first `nats-server` on PATH, else `/usr/sbin` and
 * `/usr/local/bin` (Debian installs it in /usr/sbin, which is not on a normal user's PATH).
 *
 * @throws NatsServerMissingError naming `apt-get install nats-server`.
 */
export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env["NATS_SERVER_BIN"];
  if (explicit) {
    if (executable(explicit)) return explicit;
    throw new NatsServerMissingError(`NATS_SERVER_BIN=${explicit} is not an executable file: point it at a nats-server binary, or unset it and install one (Debian/Ubuntu: apt-get install nats-server)`);
  }
  const dirs = (env["PATH"] ?? "").split(delimiter).filter(Boolean);
  for (const dir of [...dirs, "/usr/sbin", "/usr/local/bin"]) {
    const candidate = join(dir, "nats-server");
    if (executable(candidate)) return candidate;
  }
  throw new NatsServerMissingError(
    "nats-server was not found on PATH: install it (Debian/Ubuntu: `apt-get install nats-server`), set NATS_SERVER_BIN, or point NATS_URL at a running server",
  );
}
