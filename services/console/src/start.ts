/**
 * `startConsole`: connect to the bus as the platform coordinator — or, for an organisation's own
 * deployment (`readAs`), as that organisation with its credentials only — read the record into
 * the read model (then follow it live), and serve the dashboard and the JSON API over HTTP to signed-in
 * persons: through an OpenID provider (`signIn`), and with per-person API tokens
 * (`schakel persons token`, kept in the data folder). A console without `signIn` does not start,
 * unless told in so many words that it serves API tokens only (`signIn: { apiTokensOnly: true, persons }`).
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { SchakelError, type Directory, type Person } from "@schakel/contracts";
import { apiTokensPath } from "@schakel/infra";
import { clockSkewFrom, connectBus, type CredentialsSource, type KeyDirectory, type OrgCredentials } from "@schakel/contracts/bus";
import { identitySource, platformOrg } from "./identities.ts";
import { createConsoleApp } from "./http/app.ts";
import { BusStatus, watchConnection } from "./ingest/bus-status.ts";
import { startFeedReader } from "./ingest/feed-reader.ts";
import { ReadModel } from "./model/read-model.ts";
import { olderRecords } from "./ingest/older-records.ts";
import { noticePublisher } from "./post/publisher.ts";
import { RecentPosts } from "./post/recent-posts.ts";
import { caseKeyStoreAt, platformOf } from "@schakel/organisation";
import { caseWorkOver } from "./http/case-work.ts";
import { consoleReadLog } from "./audit/read-log.ts";
import { personsOf, type PersonsSource } from "./auth/people.ts";
import { personIndexOf } from "./model/persons.ts";
import { relyingParty, type OidcSignIn } from "./auth/relying-party.ts";
import { SessionStore, type SessionLimits } from "./auth/sessions.ts";

/** Sign-in through an OpenID provider: who may sign in is the persons file (`persons`). */
export interface ProviderSignIn extends OidcSignIn {
  /** The persons file's persons (a function is read at each request, so disabling takes effect at once). */
  persons: PersonsSource;
}

/** No browser sign-in: only requests with a person's API token are answered (benchmarks, scripts, libraries). */
export interface ApiTokensOnly {
  apiTokensOnly: true;
  persons: PersonsSource;
}

export interface ConsoleOptions {
  /** NATS URL(s) of the bus, e.g. what `schakel up` started. */
  servers: string | string[];
  /** The data folder `schakel up` writes (`directory.json`, `identities/<org>.creds.json`). */
  dataDir?: string;
  /** Instead of `dataDir`: credentials by organisation (must include the platform) … */
  credentials?: Map<string, OrgCredentials> | Record<string, OrgCredentials>;
  /** Followed credentials by organisation (`schakel run --console`: its own file): a rotated key is taken up without a restart. */
  credentialSources?: Map<string, CredentialsSource>;
  /** … and the key directory. */
  directory?: KeyDirectory | Directory;
  /** HTTP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (the console holds liaison keys: keep it local). */
  host?: string;
  /** The platform organisation to read as; default: the first with role `platform` (vpr). */
  platform?: string;
  /**
   * An organisation's own console (`schakel run --console`): read the bus as this organisation
   * (what it may read: its audiences, its case audience) instead of as the platform. Only its
   * credentials are needed, and only its persons can sign in.
   */
  readAs?: string;
  /**
   * Who may use the console. Required: a provider (`{ issuer, clientId, clientSecret, personClaim,
   * persons, demo }`), or `{ apiTokensOnly: true, persons }` for API tokens only.
   */
  signIn?: ProviderSignIn | ApiTokensOnly;
  /** The API token file; default `<dataDir>/api-tokens.json` (none without a data folder: no token is accepted). */
  apiTokens?: string;
  /** Session length and idle timeout (default 8 h and 60 min), and the clock (tests). */
  sessions?: SessionLimits;
  /** Operator notes (bus lost and reached again, feed interruptions, slot changes); default: stderr. */
  onNote?: (line: string) => void;
  /**
   * Messages kept in memory (default DEFAULT_WINDOW; up to 1,000 more wait to leave together): older ones are read back
   * from the streams and the trace index when a page asks for them, so memory stays flat however
   * long the record grows.
   */
  window?: number;
}

/** Messages the console keeps in memory by default: ~15 MB of records, a few weeks of a busy bus. */
export const DEFAULT_WINDOW = 10_000;

export interface RunningConsole {
  /** Where to open the dashboard, e.g. http://127.0.0.1:43817/ */
  url: string;
  port: number;
  /** The read model behind the pages (for tests and the benchmark). */
  model: ReadModel;
  /** Whether the bus is reachable now, since when, and the newest message read. */
  busStatus: BusStatus;
  /** The notices posted through this console lately (for tests: a post whose record is still on its way). */
  recentPosts: RecentPosts;
  /** The signed-in sessions (for tests: how many are open). */
  sessions: SessionStore;
  /** Resolves once the existing record has been read (the dashboard is complete). */
  caughtUp: Promise<void>;
  /** Closes the HTTP server, live streams, feed slots and bus connections. */
  stop(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);
/** How often the persons list is looked at again for new names (a changed list is indexed again). */
const PERSONS_RECHECK_MS = 30_000;

/**
 * Starts the console. Throws SchakelError when the directory or the platform's credentials are
 * missing, or the bus cannot be reached (the message says which and what to run).
 */
export async function startConsole(opts: ConsoleOptions): Promise<RunningConsole> {
  const signIn = opts.signIn;
  if (!signIn) {
    throw new SchakelError("schema", "the console needs signIn: a provider ({ issuer, clientId, clientSecret, persons }) so persons sign in, or { apiTokensOnly: true, persons } to answer API tokens only");
  }
  const oidc = "issuer" in signIn ? relyingParty(signIn) : undefined;
  const identities = identitySource(opts);
  const platform = opts.readAs ? identities.directory.require(opts.readAs).id : platformOrg(identities.directory, opts.platform);
  const note = opts.onNote ?? ((line: string) => process.stderr.write(`console: ${line}\n`));
  // The same tolerance as the services (SCHAKEL_CLOCK_SKEW): the console shows what they accept.
  const bus = await connectBus({ servers: opts.servers, ...(await identities.connection(platform)), directory: identities.directory, name: "schakel-console", skewMs: clockSkewFrom() });
  const model = new ReadModel(identities.directory, { window: opts.window ?? DEFAULT_WINDOW, older: olderRecords(bus, { onNote: note }) });
  // Acting persons are shown by name (to those allowed) for the organisations whose keys are here;
  // a persons file that changed (someone added) is indexed again within PERSONS_RECHECK_MS.
  let indexed: readonly Person[] | undefined;
  const indexPersons = async (): Promise<void> => {
    const now = personsOf(signIn.persons);
    if (now === indexed) return;
    indexed = now;
    model.usePersons(await personIndexOf(identities, now));
  };
  await indexPersons();
  const personsTimer = setInterval(() => void indexPersons().catch((err: Error) => note(`cannot index the persons for names: ${err.message}`)), PERSONS_RECHECK_MS);
  personsTimer.unref();
  const busStatus = new BusStatus([opts.servers].flat().join(", "));
  watchConnection(bus, busStatus, note);
  model.subscribe((r) => busStatus.messageRead(r.storedAt));
  const reader = startFeedReader({ bus, model, onNote: note });
  // The organisations' connections open case content with the case keys of the data folder (`<data>/case-keys/<org>`).
  const dataDir = opts.dataDir;
  const publisher = noticePublisher(opts.servers, identities, dataDir ? { caseKeys: (org) => caseKeyStoreAt(dataDir, org) } : {});
  const recentPosts = new RecentPosts();
  const host = opts.host ?? "127.0.0.1";
  const sessions = new SessionStore(opts.sessions);
  const tokens = opts.apiTokens ?? (opts.dataDir ? apiTokensPath(opts.dataDir) : undefined);
  let baseUrl = "";
  const auth = {
    sessions, persons: signIn.persons, held: () => identities.available(), demo: "issuer" in signIn && signIn.demo === true,
    ...(oidc && "issuer" in signIn ? { oidc, issuerOrigin: new URL(signIn.issuer).origin } : {}), ...(tokens ? { apiTokens: tokens } : {}),
    baseUrl: () => baseUrl, redirectUri: () => `${baseUrl}auth/callback`, secure: () => baseUrl.startsWith("https:"),
  };
  const { app, streams } = createConsoleApp({ model, identities, platform, publisher, recentPosts, busStatus, auth, reads: consoleReadLog((org, read) => publisher.recordRead(org, read)), caseWork: caseWorkOver(publisher.connection, platformOf(identities.directory), { reachable: () => !busStatus.down }) }, LOOPBACK.has(host) ? {} : { allowedHosts: [] });

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
  baseUrl = `http://${shownHost}:${port}/`;

  let stopping: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    model,
    recentPosts,
    sessions,
    busStatus,
    caughtUp: reader.caughtUp,
    stop() {
      stopping ??= (async () => {
        clearInterval(personsTimer);
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
