/**
 * Free TCP port discovery on loopback.
 *
 * Client ports are chosen by nats-server itself (`port: -1`), but cluster
 * routes and leaf remotes must name their peer's port *before* that peer
 * starts, so for those we ask the kernel for an unused port up front. There
 * is a small window between closing our probe socket and the server binding
 * it; on a test machine that race is acceptable.
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
