/**
 * `startConsole`: connect to the bus as the platform coordinator, read the record into the read
 * model (then follow it live), and serve the dashboard and the JSON API over HTTP.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Directory } from "@schakel/contracts";
import { connectBus, type KeyDirectory, type OrgCredentials } from "@schakel/contracts/bus";
import { identitySource, platformOrg } from "./identities.ts";
import { createConsoleApp } from "./http/app.ts";
import { BusStatus, watchConnection } from "./ingest/bus-status.ts";
import { startFeedReader } from "./ingest/feed-reader.ts";
import { ReadModel } from "./model/read-model.ts";
import { noticePublisher } from "./post/publisher.ts";

export interface ConsoleOptions {
  /** NATS URL(s) of the bus, e.g. what `schakel up` started. */
  servers: string | string[];
  /** The data folder `schakel up` writes (`directory.json`, `identities/<org>.creds.json`). */
  dataDir?: string;
  /** Instead of `dataDir`: credentials by organisation (must include the platform) … */
  credentials?: Map<string, OrgCredentials> | Record<string, OrgCredentials>;
  /** … and the key directory. */
  directory?: KeyDirectory | Directory;
  /** HTTP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (the console holds liaison keys: keep it local). */
  host?: string;
  /** The platform organisation to read as; default: the first with role `platform` (vpr). */
  platform?: string;
  /** Operator notes (bus lost and reached again, feed interruptions, slot changes); default: stderr. */
  onNote?: (line: string) => void;
}

export interface RunningConsole {
  /** Where to open the dashboard, e.g. http://127.0.0.1:43817/ */
  url: string;
  port: number;
  /** The read model behind the pages (for tests and the benchmark). */
  model: ReadModel;
  /** Whether the bus is reachable now, since when, and the newest message read. */
  busStatus: BusStatus;
  /** Resolves once the existing record has been read (the dashboard is complete). */
  caughtUp: Promise<void>;
  /** Closes the HTTP server, live streams, feed slots and bus connections. */
  stop(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/**
 * Starts the console. Throws SchakelError when the directory or the platform's credentials are
 * missing, or the bus cannot be reached (the message says which and what to run).
 */
export async function startConsole(opts: ConsoleOptions): Promise<RunningConsole> {
  const identities = identitySource(opts);
  const platform = platformOrg(identities.directory, opts.platform);
  const note = opts.onNote ?? ((line: string) => process.stderr.write(`console: ${line}\n`));
  const bus = await connectBus({ servers: opts.servers, credentials: await identities.credentials(platform), directory: identities.directory, name: "schakel-console" });
  const model = new ReadModel(identities.directory);
  const busStatus = new BusStatus([opts.servers].flat().join(", "));
  watchConnection(bus, busStatus, note);
  model.subscribe((r) => busStatus.messageRead(r.storedAt));
  const reader = startFeedReader({ bus, model, onNote: note });
  const publisher = noticePublisher(opts.servers, identities);
  const host = opts.host ?? "127.0.0.1";
  const { app, streams } = createConsoleApp({ model, identities, platform, publisher, busStatus }, LOOPBACK.has(host) ? {} : { allowedHosts: [] });

  let server: ReturnType<typeof serve>;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host }, (info: AddressInfo) => resolve(info.port));
    server.once("error", reject);
  }).catch(async (err) => {
    await reader.stop();
    await bus.close();
    throw new Error(`the console cannot listen on ${host}:${opts.port ?? 0} (${(err as Error).message}): choose another port, or 0 for a free one`, { cause: err });
  });
  const shownHost = host.includes(":") ? `[${host}]` : host;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    model,
    busStatus,
    caughtUp: reader.caughtUp,
    stop() {
      stopping ??= (async () => {
        streams.closeAll();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Browsers keep connections alive; do not wait for them to leave.
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await reader.stop();
        await publisher.close();
        await bus.close();
      })();
      return stopping;
    },
  };
}
