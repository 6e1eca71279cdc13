/**
 * Signing the command line in: the OAuth 2.0 device authorization grant (RFC 8628) with
 * openid-client against the provider `schakel up` runs (its issuer is in connection.json) or any
 * provider given with `--issuer`. The command shows where to go and which code to enter, waits
 * while the person approves in a browser, and keeps the tokens as the session. Plain http is
 * accepted only for a provider on this machine (the development one); anything else needs https.
 */
import * as client from "openid-client";
import { dataDirOf, readConnection, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import type { CliSession } from "./store.ts";

/** The CLI's client at the development provider: public, device grant only. */
export const CLI_CLIENT_ID = "schakel-cli";
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The provider to sign in with: `--issuer`, else the one `schakel up` wrote into connection.json. */
export function issuerOf(opts: GlobalOptions & { issuer?: string }): URL {
  let text = opts.issuer;
  if (text === undefined) {
    try {
      text = readConnection(dataDirOf(opts))?.issuer;
    } catch {
      text = undefined;
    }
  }
  if (text === undefined) throw new CliError(`no sign-in provider known for ${dataDirOf(opts)}: start "npx schakel up" first, or pass --issuer URL`, EXIT.usage);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`--issuer "${text}" is not a URL (e.g. https://login.example.be/realms/schakel)`, EXIT.usage);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw new CliError(`--issuer "${text}": a provider off this machine must use https`, EXIT.usage);
  }
  return url;
}

/** openid-client's configuration for `issuer` (discovery), allowing http only on loopback. */
export async function discoverProvider(issuer: URL, clientId = CLI_CLIENT_ID): Promise<client.Configuration> {
  const insecure = issuer.protocol === "http:" ? { execute: [client.allowInsecureRequests] } : undefined;
  try {
    return await client.discovery(issuer, clientId, undefined, client.None(), insecure);
  } catch (err) {
    throw new CliError(`cannot reach the sign-in provider at ${issuer.href} (${(err as Error).message}): is "npx schakel up" running?`, EXIT.unreachable);
  }
}

export interface DevicePrompt {
  verificationUri: string;
  verificationUriComplete?: string;
  userCode: string;
  expiresInS: number;
}

/**
 * Runs the device flow: `prompt` is told where to go and the code, then this waits (polling at
 * the provider's interval) until the person approves, refuses, or the code expires.
 */
export async function deviceSignIn(config: client.Configuration, issuer: URL, prompt: (p: DevicePrompt) => void, signal?: AbortSignal): Promise<CliSession> {
  let device: client.DeviceAuthorizationResponse;
  try {
    device = await client.initiateDeviceAuthorization(config, { scope: "openid profile" });
  } catch (err) {
    throw new CliError(`the sign-in provider at ${issuer.href} refused to start a device sign-in (${describe(err)})`, EXIT.failure);
  }
  prompt({
    verificationUri: device.verification_uri, userCode: device.user_code, expiresInS: device.expires_in,
    ...(device.verification_uri_complete ? { verificationUriComplete: device.verification_uri_complete } : {}),
  });
  let tokens: Awaited<ReturnType<typeof client.pollDeviceAuthorizationGrant>>;
  try {
    tokens = await client.pollDeviceAuthorizationGrant(config, device, undefined, signal ? { signal } : undefined);
  } catch (err) {
    if (signal?.aborted) throw new CliError("cancelled: nobody was signed in", EXIT.failure);
    const code = (err as { error?: string }).error;
    if (code === "access_denied") throw new CliError("the sign-in was refused in the browser: nothing changed; run \"schakel login\" to try again", EXIT.failure);
    if (code === "expired_token" || (err as Error).name === "TimeoutError") throw new CliError("the code expired before it was entered: run \"schakel login\" again", EXIT.failure);
    throw new CliError(`the sign-in did not complete (${describe(err)}): run "schakel login" again`, EXIT.failure);
  }
  const claims = tokens.claims();
  if (!claims?.sub) throw new CliError("the sign-in provider sent no ID token naming the person: it is not an OpenID Provider for Schakel", EXIT.failure);
  const now = Date.now();
  return {
    person: claims.sub, ...(typeof claims.name === "string" ? { name: claims.name } : {}),
    issuer: issuer.href.replace(/\/$/, ""), clientId: config.clientMetadata().client_id,
    accessToken: tokens.access_token, ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    signedInAt: new Date(now).toISOString(), expiresAt: new Date(now + (tokens.expiresIn() ?? 3600) * 1000).toISOString(),
  };
}

/** Revokes the session's tokens at its provider; false when the provider cannot be reached or refuses. */
export async function revokeSession(session: CliSession): Promise<boolean> {
  try {
    const config = await discoverProvider(new URL(session.issuer), session.clientId);
    await client.tokenRevocation(config, session.accessToken, { token_type_hint: "access_token" });
    if (session.refreshToken) await client.tokenRevocation(config, session.refreshToken, { token_type_hint: "refresh_token" });
    return true;
  } catch {
    return false;
  }
}

function describe(err: unknown): string {
  const e = err as { error?: string; error_description?: string; message?: string };
  return e.error ? `${e.error}${e.error_description ? `: ${e.error_description}` : ""}` : (e.message ?? String(err));
}
