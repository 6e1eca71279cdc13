/**
 * Serving a read model without a bus: the pages and the JSON API over a model filled some
 * other way (e.g. `seedReadModel` for the load check). Posting is refused; everything else
 * behaves as in `startConsole`.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createConsoleApp } from "./http/app.ts";
import { identitySource, platformOrg } from "./identities.ts";
import type { ReadModel } from "./model/read-model.ts";

export interface ServedModel {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Serves `model` on host:port (default 127.0.0.1, a free port). */
export async function serveReadModel(model: ReadModel, opts: { port?: number; host?: string } = {}): Promise<ServedModel> {
  const identities = identitySource({ directory: model.directory, credentials: new Map() });
  const { app, streams } = createConsoleApp({ model, identities, platform: platformOrg(model.directory) });
  const host = opts.host ?? "127.0.0.1";
  let server!: ReturnType<typeof serve>;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host }, (info: AddressInfo) => resolve(info.port));
    server.once("error", reject);
  });
  return {
    url: `http://${host}:${port}/`,
    port,
    async stop() {
      streams.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
