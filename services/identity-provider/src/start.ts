/**
 * `startIdentityProvider`: the development OpenID Provider on 127.0.0.1 — oidc-provider with the
 * configuration of configuration.ts, our interaction pages, and one HTTP server for both. It
 * listens on a stable port (8481 unless told otherwise), because the console and `schakel login`
 * find it by its issuer URL; when that port is taken it says so and takes a free one.
 *
 * Signing keys and cookie keys are made afresh at every start and never written down: every
 * provider session, grant and token lives in memory and ends with the process anyway, so keeping
 * a private key on disk would keep nothing valid — it would only be one more secret to protect.
 * Relying parties fetch the new keys from the jwks endpoint; the console's and the CLI's own
 * sessions do not depend on the provider's keys once signed in.
 */
import { generateKeyPair, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import type { Person } from "@schakel/contracts";
import type { JWK } from "oidc-provider";
import { loadProvider } from "./load-provider.ts";
import { CLI_CLIENT_ID, CONSOLE_CLIENT_ID, providerConfiguration } from "./configuration.ts";
import { interactionHandler } from "./interactions.ts";

export { CLI_CLIENT_ID, CONSOLE_CLIENT_ID } from "./configuration.ts";

/**
 * The provider's port when none is given: stable across restarts, next to the console's 8480
 * (both unassigned by IANA, and clear of the usual development servers).
 */
export const DEFAULT_IDENTITY_PROVIDER_PORT = 8481;

export interface IdentityProviderOptions {
  /** The persons who may sign in: the list, or a function read at each sign-in (so `schakel persons disable` takes effect at once). */
  persons: readonly Person[] | (() => readonly Person[]);
  /** Default 8481; 0: a free one; a taken port is replaced by a free one, said through onNote. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The login page lists the enabled persons to pick from, instead of a person-id field. */
  demo?: boolean;
  /** The console's redirect URIs (e.g. `<console url>auth/callback`), read at each request: the console's port is known only once it listens. */
  consoleRedirectUris: () => readonly string[];
  /** Where the provider may send the browser after logout; default: the origin (`/`) of each redirect URI. */
  consolePostLogoutRedirectUris?: () => readonly string[];
  /** The console client's secret; default: a random one (see `consoleClient.clientSecret`). */
  consoleClientSecret?: string;
  /** Operator notes (port fallback, server errors); default: stderr. */
  onNote?: (line: string) => void;
}

export interface RunningIdentityProvider {
  /** The issuer URL, e.g. http://127.0.0.1:8481 (no trailing slash); discovery is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  port: number;
  /** The console's client: confidential, authorization code with PKCE S256, client_secret_post. */
  consoleClient: { clientId: string; clientSecret: string };
  /** The CLI's client: public, device authorization grant. */
  cliClient: { clientId: string };
  stop(): Promise<void>;
}

/** Seconds between a device's polls for its tokens (RFC 8628 `interval`). */
const DEVICE_POLL_INTERVAL_S = 1;

const generateKeyPairAsync = promisify(generateKeyPair);

/** A fresh RS256 signing key (RS256: every OpenID relying party accepts it). */
async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048 });
  return { ...(privateKey.export({ format: "jwk" }) as JWK), kid: randomUUID(), alg: "RS256", use: "sig" };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The default post-logout URIs: the console's root, from each redirect URI. */
const originsOf = (uris: readonly string[]): string[] => [...new Set(uris.map((u) => new URL("/", u).href))];

/**
 * Starts the provider. Throws when it cannot listen (the message names host and port and what to do).
 */
export async function startIdentityProvider(opts: IdentityProviderOptions): Promise<RunningIdentityProvider> {
  const note = opts.onNote ?? ((line: string) => process.stderr.write(`identity provider: ${line}\n`));
  const persons = typeof opts.persons === "function" ? opts.persons : () => opts.persons as readonly Person[];
  const host = opts.host ?? "127.0.0.1";
  const consoleSecret = opts.consoleClientSecret ?? randomBytes(32).toString("base64url");

  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => handle(req, res));
  const wanted = opts.port ?? DEFAULT_IDENTITY_PROVIDER_PORT;
  let port: number;
  try {
    port = await listen(server, wanted, host);
  } catch (err) {
    if (wanted === 0 || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") {
      throw new Error(`the identity provider cannot listen on ${host}:${wanted} (${(err as Error).message}): choose another port, or 0 for a free one`, { cause: err });
    }
    port = await listen(server, 0, host);
    note(`port ${wanted} is taken: listening on a free port instead, ${port}`);
  }
  const issuer = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const Provider = await loadProvider();
  const provider = new Provider(issuer, providerConfiguration({
    persons,
    consoleSecret,
    consoleRedirectUris: opts.consoleRedirectUris,
    consolePostLogoutRedirectUris: opts.consolePostLogoutRedirectUris ?? (() => originsOf(opts.consoleRedirectUris())),
    jwks: [await signingKey()],
    cookieKeys: [randomBytes(32).toString("base64url")],
  }));
  provider.on("server_error", (_ctx, err) => note(`server error: ${(err as Error).message}`));
  // The device authorization response names no polling interval, so clients would wait the
  // default 5 s between polls; on this local provider a person waits 1 s at most after approving.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === "device_authorization" && ctx.status === 200 && ctx.body && typeof ctx.body === "object") {
      ctx.body = { ...(ctx.body as object), interval: DEVICE_POLL_INTERVAL_S };
    }
  });
  const interactions = interactionHandler(provider, persons, opts.demo === true);
  const oidc = provider.callback();
  handle = (req, res) => {
    const path = new URL(req.url ?? "/", issuer).pathname;
    if (!path.startsWith("/interaction/")) {
      void oidc(req, res);
      return;
    }
    interactions(req, res, path).catch((err: Error) => {
      note(`sign-in step failed: ${err.message}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("the sign-in failed; start again");
    });
  };

  let stopping: Promise<void> | undefined;
  return {
    issuer,
    port,
    consoleClient: { clientId: CONSOLE_CLIENT_ID, clientSecret: consoleSecret },
    cliClient: { clientId: CLI_CLIENT_ID },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
