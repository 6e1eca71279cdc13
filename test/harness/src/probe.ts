/**
 * Low-level probes that need no NATS client library: the harness must be
 * usable by the packages that *test* the client, so it cannot depend on one.
 */
import net from "node:net";

/** The JSON document a NATS server sends in its `INFO {...}\r\n` banner. */
export interface ServerInfo {
  server_id: string;
  server_name?: string;
  version: string;
  port: number;
  max_payload: number;
  jetstream?: boolean;
  headers?: boolean;
  [key: string]: unknown;
}

/**
 * Open a raw TCP connection, read the first protocol line and parse it as an
 * INFO banner. Seeing a well-formed INFO proves a real NATS server (not just
 * any listener) owns the port.
 *
 * @throws if the connection fails, closes early, or the banner is malformed.
 */
export function readInfo(port: number, host = "127.0.0.1", timeoutMs = 2_000): Promise<ServerInfo> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    let buf = "";
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no INFO from ${host}:${port} within ${timeoutMs} ms`)));
    socket.on("error", fail);
    socket.on("close", () => fail(new Error(`connection to ${host}:${port} closed before INFO`)));
    socket.on("data", (chunk) => {
      buf += chunk.toString("utf8");
      const end = buf.indexOf("\r\n");
      if (end < 0) return;
      const line = buf.slice(0, end);
      socket.removeAllListeners("close");
      socket.destroy();
      if (!line.startsWith("INFO ")) {
        reject(new Error(`expected INFO banner from ${host}:${port}, got: ${line.slice(0, 80)}`));
        return;
      }
      try {
        resolve(JSON.parse(line.slice(5)) as ServerInfo);
      } catch (err) {
        reject(new Error(`malformed INFO banner from ${host}:${port}`, { cause: err }));
      }
    });
  });
}

/**
 * GET a monitoring endpoint (e.g. `/jsz`, `/routez`, `/leafz`) and return
 * its JSON body. `base` is the server's monitoring URL.
 */
export async function fetchMonitor<T = Record<string, unknown>>(base: string, path: string): Promise<T> {
  const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`GET ${path} on ${base} -> HTTP ${res.status}`);
  return (await res.json()) as T;
}
