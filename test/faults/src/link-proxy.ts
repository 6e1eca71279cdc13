/**
 * A TCP relay placed in a server-to-server link so that a test can cut the network between two
 * running nats-servers and restore it, as a WAN outage would, without stopping either server.
 */
import net from "node:net";

export interface LinkProxy {
  /** Loopback port the relay listens on. */
  readonly port: number;
  /** Drop every open connection and refuse new ones until `restore()`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Starts a relay on a free loopback port that forwards to `targetPort`. */
export async function startLinkProxy(targetPort: number): Promise<LinkProxy> {
  let up = true;
  const open = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    if (!up) return void inbound.destroy();
    const outbound = net.connect({ host: "127.0.0.1", port: targetPort });
    for (const s of [inbound, outbound]) {
      open.add(s);
      s.on("close", () => open.delete(s));
      s.on("error", () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("link proxy has no address");
  return {
    port: address.port,
    cut() {
      up = false;
      for (const s of open) s.destroy();
    },
    restore() {
      up = true;
    },
    close() {
      up = false;
      for (const s of open) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
