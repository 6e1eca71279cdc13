/**
 * Free TCP port discovery on loopback.
 *
 * Client ports are chosen by nats-server itself (`port: -1`), but cluster
 * routes and leaf remotes must name their peer's port *before* that peer
 * starts, so for those we ask the kernel for an unused port up front. Between
 * closing our probe socket and the server binding it, another process (a
 * parallel test file's server or client) may take the port: starts that
 * reserve ports this way go through {@link withFreePorts}, which starts again
 * on fresh ports when that happened.
 */
import net from "node:net";

/** Port of the shared development server; never handed out to tests. */
const RESERVED = new Set([4222, 6222, 8222, 7422]);

function listenEphemeral(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => resolve(srv));
  });
}

function close(srv: net.Server): Promise<void> {
  return new Promise((resolve) => srv.close(() => resolve()));
}

/**
 * Return `count` distinct free loopback ports. All probe sockets are held
 * open simultaneously so the kernel cannot hand out the same port twice.
 */
export async function freePorts(count: number): Promise<number[]> {
  const held: net.Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const srv = await listenEphemeral();
      held.push(srv);
      const addr = srv.address();
      if (addr && typeof addr === "object" && !RESERVED.has(addr.port)) ports.push(addr.port);
    }
  } finally {
    await Promise.all(held.map(close));
  }
  return ports;
}

/** Return one free loopback port (see {@link freePorts}). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error("freePorts(1) returned nothing");
  return port;
}

/** What nats-server (and node) say when a port was taken: "bind: address already in use". */
const PORT_TAKEN = /address already in use|EADDRINUSE/;

/** True when `err` (or a cause of it) says a port was already taken. */
export function isPortTaken(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (PORT_TAKEN.test(e instanceof Error ? e.message : String(e))) return true;
  }
  return false;
}

/**
 * Runs `start` with `count` free loopback ports; when it fails because one of them was taken
 * between the probe and the bind ({@link isPortTaken}: `start` must clean up after itself and
 * let the server's output show in its error), runs it again with fresh ports, `attempts` times
 * in all. Any other failure is thrown at once.
 */
export async function withFreePorts<T>(count: number, start: (ports: number[]) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(count);
    try {
      return await start(ports);
    } catch (err) {
      if (attempt >= attempts || !isPortTaken(err)) throw err;
    }
  }
}
