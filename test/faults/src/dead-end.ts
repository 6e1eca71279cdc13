/**
 * A loopback port that accepts connections and closes them at once. The test hub advertises it
 * as its leaf address: nats-server 2.9 tells its leaves its own listen address even with
 * `no_advertise`, and a leaf picks randomly between that and its configured relay, so without
 * this a "cut" leaf could reconnect around its relay.
 */
import net from "node:net";

export interface DeadEnd {
  readonly address: string;
  close(): Promise<void>;
}

export async function startDeadEnd(): Promise<DeadEnd> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("dead-end listener has no address");
  return {
    address: `127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
