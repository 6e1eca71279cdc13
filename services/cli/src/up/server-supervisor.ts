/**
 * Supervision of the embedded nats-server while `schakel up` runs. When the server exits on its own
 * (a crash, an OOM kill, SIGKILL) it is started again on the same client and monitoring ports with
 * the same config and JetStream store, so every connection — the services, the console, the
 * auditor, the consumer gate's admin connection, all of which reconnect without limit — finds it
 * where it was. Supervision gives up when the server dies more than `maxRestarts` times within
 * `windowMs`, or does not start again; an exit caused by `stop()` is never restarted. `restart()`
 * stops and starts it on purpose (a registry change that adds or removes accounts, which
 * nats-server 2.9 wires only at start); that is not counted as a crash. Every restart keeps the
 * accounts block of the config file as `schakel identities` last wrote it.
 */
import { EmbeddedServerError, startEmbeddedServer, type EmbeddedServer, type EmbeddedServerOptions } from "@schakel/infra";

/** The server exited on its own and is being started again. */
export interface ServerDown {
  url: string;
  /** How it exited: a signal name, or `code N`. */
  how: string;
  /** Which restart this is within the window (1 … maxRestarts). */
  restart: number;
  maxRestarts: number;
  windowMs: number;
}

/** The server accepts clients again. */
export interface ServerBack {
  url: string;
  pid: number;
  /** From noticing the exit to ready, in ms. */
  ms: number;
}

/** Why supervision stopped for good, with the server's last lines. */
export interface GaveUp {
  reason: string;
  output: string;
}

export interface SupervisionOptions {
  /** Restarts allowed within `windowMs` (default 5); one more exit gives up. */
  maxRestarts?: number;
  windowMs?: number;
  onDown?: (down: ServerDown) => void;
  onBack?: (back: ServerBack) => void;
}

export interface SupervisedServer {
  readonly url: string;
  readonly port: number;
  readonly paths: EmbeddedServer["paths"];
  /** The pid of the server running now (it changes with every restart). */
  readonly pid: number;
  readonly monitorUrl: string | undefined;
  /** False while the server is down (being restarted, or given up on). */
  readonly running: boolean;
  /** The last lines the current server logged. */
  output(): string;
  /** Resolves when supervision gives up; never after `stop()`. */
  gaveUp: Promise<GaveUp>;
  /**
   * Stops the server (SIGTERM: JetStream flushes) and starts it again on the same ports with the
   * same store, resolving with the ms it was away. Not counted as a crash.
   * @throws EmbeddedServerError when it does not start again (supervision has then given up).
   */
  restart(): Promise<number>;
  /** Stops the server (waiting for a restart under way first); it is not restarted. */
  stop(): Promise<void>;
}

const describeExit = (exit: { code: number | null; signal: NodeJS.Signals | null }): string => exit.signal ?? `code ${exit.code}`;

/** Starts the embedded server and keeps it running until `stop()`. */
export async function startSupervisedServer(opts: EmbeddedServerOptions, supervision: SupervisionOptions = {}): Promise<SupervisedServer> {
  const maxRestarts = supervision.maxRestarts ?? 5;
  const windowMs = supervision.windowMs ?? 60_000;
  let current = await startEmbeddedServer(opts);
  const { url, port, paths } = current;
  const monitorPort = current.monitorUrl ? Number(new URL(current.monitorUrl).port) : undefined;
  // A restart pins the ports clients know; a leftover server was already dealt with on the first start.
  const { onLeftover: _reported, ...again } = opts;
  const restartOptions: EmbeddedServerOptions = { ...again, port, ...(monitorPort ? { monitorPort } : {}), keepAccounts: true };
  const exits: number[] = [];
  let stopping = false;
  let restarting: Promise<void> = Promise.resolve();
  let giveUp: (g: GaveUp) => void = () => {};
  const gaveUp = new Promise<GaveUp>((resolve) => (giveUp = resolve));

  const restart = async (dead: EmbeddedServer, how: string): Promise<void> => {
    const noticed = performance.now();
    exits.push(Date.now());
    while (exits[0]! <= Date.now() - windowMs) exits.shift();
    const output = dead.output();
    await dead.stop(); // already gone: this only releases its exit hook and pid file
    if (exits.length > maxRestarts) {
      giveUp({ reason: `nats-server exited unexpectedly (${how}), ${exits.length} times within ${windowMs / 1000} s; not restarting it again`, output });
      return;
    }
    supervision.onDown?.({ url, how, restart: exits.length, maxRestarts, windowMs });
    try {
      current = await startEmbeddedServer(restartOptions);
    } catch (err) {
      const lines = err instanceof EmbeddedServerError ? err.serverOutput : output;
      giveUp({ reason: `nats-server exited unexpectedly (${how}) and could not be started again: ${(err as Error).message}`, output: lines });
      return;
    }
    if (stopping) return; // stop() is waiting for this restart and stops the new server
    supervision.onBack?.({ url, pid: current.pid, ms: performance.now() - noticed });
    watch(current);
  };

  const watch = (server: EmbeddedServer): void => {
    void server.exited.then((exit) => {
      if (!stopping && server === current && !onPurpose) restarting = restart(server, describeExit(exit));
    });
  };
  watch(current);

  let onPurpose = false;
  const restartOnPurpose = async (): Promise<number> => {
    await restarting;
    const began = performance.now();
    onPurpose = true;
    try {
      await current.stop();
      current = await startEmbeddedServer(restartOptions);
    } catch (err) {
      const lines = err instanceof EmbeddedServerError ? err.serverOutput : current.output();
      giveUp({ reason: `nats-server was restarted to apply a registry change and did not start again: ${(err as Error).message}`, output: lines });
      throw err;
    } finally {
      onPurpose = false;
    }
    watch(current);
    const ms = performance.now() - began;
    supervision.onBack?.({ url, pid: current.pid, ms });
    return ms;
  };

  return {
    url, port, paths, gaveUp,
    get pid() {
      return current.pid;
    },
    get monitorUrl() {
      return current.monitorUrl;
    },
    get running() {
      return current.running;
    },
    output: () => current.output(),
    restart() {
      const done = restartOnPurpose();
      restarting = done.then(() => undefined, () => undefined);
      return done;
    },
    async stop() {
      stopping = true;
      await restarting;
      await current.stop();
    },
  };
}
