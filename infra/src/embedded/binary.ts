/**
 * Finding the nats-server executable: the one finder used by `schakel up`, the test harness, the
 * topology script and the benchmark. Checked before spawning so that a machine without it gets an
 * actionable message instead of a bare ENOENT. Beside it, the one check of the system tools the
 * project needs (`ensureSystemTool`): missing ones are installed from Debian's packages when
 * running as root on Debian, else reported with the exact command to run.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
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
  const found = findOnPath("nats-server", env);
  if (found) return found;
  throw new NatsServerMissingError(
    "nats-server was not found on PATH: install it (Debian/Ubuntu: `sudo apt-get install -y nats-server`), set NATS_SERVER_BIN, or point NATS_URL at a running server",
  );
}

/**
 * Where executables are looked for besides PATH: SCHAKEL_BIN_DIRS (colon-separated; empty for
 * PATH only), by default /usr/sbin and /usr/local/bin (Debian installs nats-server in /usr/sbin,
 * which is not on a normal user's PATH) and /usr/bin.
 */
function systemDirs(env: NodeJS.ProcessEnv): string[] {
  return (env["SCHAKEL_BIN_DIRS"] ?? "/usr/sbin:/usr/local/bin:/usr/bin").split(delimiter).filter(Boolean);
}

/** The first executable `name` on PATH or in the system directories; undefined when there is none. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env["PATH"] ?? "").split(delimiter).filter(Boolean);
  for (const dir of [...dirs, ...systemDirs(env)]) {
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** The system tools the project uses, each with the Debian package that brings it and what needs it. */
export const SYSTEM_TOOLS = {
  "nats-server": { debianPackage: "nats-server", neededBy: "the bus (schakel up) and every test" },
  chromium: { debianPackage: "chromium", neededBy: "the console's browser tests" },
  // Without recommends: prometheus would pull in node-exporter and more that the tests do not use.
  prometheus: { debianPackage: "prometheus", neededBy: "the metrics tests", lean: true },
  promtool: { debianPackage: "prometheus", neededBy: "the metrics tests", lean: true },
} as const;
export type SystemTool = keyof typeof SYSTEM_TOOLS;

/** Tools are missing and were not installed: the message names them and the exact command to run. */
export class SystemToolMissingError extends Error {
  override name = "SystemToolMissingError";
  constructor(message: string, readonly missing: readonly SystemTool[], readonly command: string) {
    super(message);
  }
}

export interface EnsureOptions {
  env?: NodeJS.ProcessEnv;
  /** Where to say what is being installed (before installing). */
  say?: (line: string) => void;
}

const isRoot = (env: NodeJS.ProcessEnv): boolean => process.getuid?.() === 0 && !env["SCHAKEL_NO_AUTO_INSTALL"];
const isDebian = (): boolean => existsSync("/etc/debian_version");

/** The tools among `tools` that are not installed (nats-server honours NATS_SERVER_BIN). */
export function missingTools(tools: readonly SystemTool[], env: NodeJS.ProcessEnv = process.env): SystemTool[] {
  return tools.filter((t) => {
    if (t === "nats-server" && env["NATS_SERVER_BIN"]) return !executable(env["NATS_SERVER_BIN"]);
    return findOnPath(t, env) === undefined;
  });
}

/**
 * Makes sure `tools` are installed. Missing ones are installed from Debian's packages when this
 * runs as root on Debian (`apt-get update -qq && apt-get install -y -qq …`, said first through
 * `say`; SCHAKEL_NO_AUTO_INSTALL=1 turns that off); otherwise nothing is run.
 * @throws SystemToolMissingError naming the tools and the exact command (`sudo apt-get install -y …`).
 */
export function ensureSystemTool(tools: SystemTool | readonly SystemTool[], opts: EnsureOptions = {}): void {
  const env = opts.env ?? process.env;
  const missing = missingTools(typeof tools === "string" ? [tools] : tools, env);
  if (!missing.length) return;
  const packages = [...new Set(missing.map((t) => SYSTEM_TOOLS[t].debianPackage))];
  const what = missing.map((t) => `${t} (${SYSTEM_TOOLS[t].neededBy})`).join(", ");
  if (isRoot(env) && isDebian()) {
    const lean = new Set(missing.filter((t) => "lean" in SYSTEM_TOOLS[t]).map((t) => SYSTEM_TOOLS[t].debianPackage));
    const full = packages.filter((p) => !lean.has(p));
    const install = ["apt-get update -qq", ...(full.length ? [`apt-get install -y -qq ${full.join(" ")}`] : []),
      ...(lean.size ? [`apt-get install -y -qq --no-install-recommends ${[...lean].join(" ")}`] : [])].join(" && ");
    opts.say?.(`not installed: ${what}; installing Debian's package${packages.length > 1 ? "s" : ""} as root: ${install}`);
    // Its output goes to stderr, so a --json stdout stays clean.
    const run = spawnSync("sh", ["-c", install], { stdio: ["ignore", 2, 2], env: { ...env, DEBIAN_FRONTEND: "noninteractive" } });
    const still = missingTools(missing, env);
    if (run.status === 0 && !still.length) return;
    throw new SystemToolMissingError(`installing ${packages.join(" ")} failed (exit ${run.status ?? run.signal}): run "${install}" yourself and look at its output`, still.length ? still : missing, install);
  }
  const command = `sudo apt-get install -y ${packages.join(" ")}`;
  const where = isDebian() ? `run: ${command}` : `install ${packages.join(", ")} with your system's package manager (on Debian: ${command})`;
  const server = missing.includes("nats-server") ? "; or set NATS_SERVER_BIN, or point NATS_URL at a running server" : "";
  throw new SystemToolMissingError(`not installed: ${what}. To install, ${where}${server}`, missing, command);
}
