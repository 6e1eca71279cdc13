/**
 * Serving a read model without a bus: the pages and the JSON API over a model filled some
 * other way (e.g. `seedReadModel` for the load check). Posting is refused; only persons' API
 * tokens are answered (no browser sign-in), for persons of any organisation of the directory;
 * everything else behaves as in `startConsole`.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createConsoleApp } from "./http/app.ts";
import { unrecordedReads } from "./audit/read-log.ts";
import { identitySource, platformOrg } from "./identities.ts";
import type { ReadModel } from "./model/read-model.ts";
import type { PersonsSource } from "./auth/people.ts";
import { SessionStore } from "./auth/sessions.ts";

export interface ServedModel {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Serves `model` on host:port (default 127.0.0.1, a free port) to the API tokens of `apiTokens` (a file `issueApiToken` writes). */
export async function serveReadModel(model: ReadModel, opts: { port?: number; host?: string; persons: PersonsSource; apiTokens: string }): Promise<ServedModel> {
  const identities = identitySource({ directory: model.directory, credentials: new Map() });
  const host = opts.host ?? "127.0.0.1";
  let base = "";
  const auth = {
    sessions: new SessionStore(), persons: opts.persons, held: () => model.directory.organisations.map((o) => o.id), demo: false, apiTokens: opts.apiTokens,
    baseUrl: () => base, redirectUri: () => `${base}auth/callback`, secure: () => false,
  };
  const { app, streams } = createConsoleApp({ model, identities, platform: platformOrg(model.directory), auth, reads: unrecordedReads });
  let server!: ReturnType<typeof serve>;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host }, (info: AddressInfo) => resolve(info.port));
    server.once("error", reject);
  });
  base = `http://${host}:${port}/`;
  return {
    url: base,
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
