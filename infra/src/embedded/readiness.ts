/**
 * Readiness of a freshly spawned nats-server: it writes `<exe>_<pid>.ports` into `ports_file_dir`
 * once its listeners are up (that is how we learn a randomly chosen port), and a well-formed
 * INFO banner on the client port proves that a NATS server, not any listener, owns it.
 */
import net from "node:net";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** The ports file nats-server writes. */
export interface PortsFile {
  nats?: string[];
  monitoring?: string[];
}

/** Reads the ports file of `pid` in `dir`, or undefined while it is not (fully) written. */
export async function readPortsFile(dir: string, pid: number): Promise<PortsFile | undefined> {
  const name = (await readdir(dir).catch(() => [] as string[])).find((f) => f.endsWith(`_${pid}.ports`));
  if (!name) return undefined;
  try {
    return JSON.parse(await readFile(join(dir, name), "utf8")) as PortsFile;
  } catch {
    return undefined; // caught half-written: poll again
  }
}

/** Resolves when `host:port` answers with an INFO line; rejects on anything else. */
export function probeInfo(port: number, host = "127.0.0.1", timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    let buf = "";
    const done = (err?: Error): void => {
      socket.removeAllListeners();
      socket.on("error", () => {});
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no INFO from ${host}:${port} within ${timeoutMs} ms`)));
    socket.on("error", (err) => done(err));
    socket.on("close", () => done(new Error(`${host}:${port} closed before INFO`)));
    socket.on("data", (chunk) => {
      buf += chunk.toString("utf8");
      const end = buf.indexOf("\r\n");
      if (end < 0) return;
      done(buf.startsWith("INFO ") ? undefined : new Error(`${host}:${port} is not a NATS server`));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until the server of `pid` has written its ports file and answers on its client port.
 * `alive()` lets the wait fail at once when the process exits during startup.
 */
export async function waitUntilReady(dir: string, pid: number, alive: () => boolean, timeoutMs: number): Promise<PortsFile> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no ports file yet";
  while (Date.now() < deadline) {
    if (!alive()) throw new Error("nats-server exited during startup");
    const ports = await readPortsFile(dir, pid);
    const port = ports?.nats?.[0] ? Number(new URL(ports.nats[0]).port) : 0;
    if (ports && port) {
      try {
        await probeInfo(port);
        return ports;
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    await sleep(25);
  }
  throw new Error(`nats-server was not ready within ${timeoutMs} ms (${lastError})`);
}
