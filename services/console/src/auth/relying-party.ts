/**
 * The console as an OpenID Connect relying party, with openid-client: discovery of the issuer,
 * the authorization code flow with PKCE (S256), state and nonce, and the ID token checked by the
 * library (signature, issuer, audience, expiry, nonce). Issuer, client and the claim naming the
 * person are configuration, so any provider plugs in. Plain http is allowed for an issuer on
 * loopback only (the development provider); anything else must be https.
 */
import * as oidc from "openid-client";
import { SchakelError } from "@schakel/contracts";

export interface OidcSignIn {
  /** The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  /** For a confidential client (sent as client_secret_post); absent: a public client. */
  clientSecret?: string;
  /** The ID token claim that holds the person id of the persons file; default "sub". */
  personClaim?: string;
  /** A demo console: the header offers "sign in as another demo person". */
  demo?: boolean;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Whether `issuer` may be reached over plain http: only on this machine. */
export function loopbackHttp(issuer: URL): boolean {
  return issuer.protocol === "http:" && LOOPBACK_HOSTS.has(issuer.hostname);
}

export interface RelyingParty {
  /** Where to send the browser to sign in, and what to keep until the callback. */
  start(redirectUri: string): Promise<{ url: string; codeVerifier: string; state: string; nonce: string }>;
  /** Redeems the code of `callbackUrl`; returns the person id named by the claim and the ID token. */
  finish(callbackUrl: URL, redirectUri: string, pending: { codeVerifier: string; state: string; nonce: string }): Promise<{ personId: string; idToken?: string }>;
  /** The provider's logout URL, when it offers one. */
  endSessionUrl(postLogoutRedirectUri: string, idToken?: string): Promise<string | undefined>;
}

export function relyingParty(cfg: OidcSignIn): RelyingParty {
  const issuer = new URL(cfg.issuer);
  if (issuer.protocol !== "https:" && !loopbackHttp(issuer)) {
    throw new SchakelError("schema", `signIn.issuer ${cfg.issuer} must be https (plain http only for a provider on 127.0.0.1 or localhost)`, { issuer: cfg.issuer });
  }
  const claim = cfg.personClaim ?? "sub";
  let config: Promise<oidc.Configuration> | undefined;
  // Discovered on first use and kept; a failure is not kept, so the next sign-in tries again.
  const configuration = (): Promise<oidc.Configuration> => {
    config ??= oidc.discovery(issuer, cfg.clientId, cfg.clientSecret, undefined, loopbackHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((err: unknown) => {
        config = undefined;
        throw new SchakelError("unreachable", `the identity provider ${cfg.issuer} cannot be reached (${(err as Error).message}); try again in a moment`, { issuer: cfg.issuer });
      });
    return config;
  };
  return {
    async start(redirectUri) {
      const c = await configuration();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri, scope: "openid profile", code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: "S256", state, nonce,
      });
      return { url: url.href, codeVerifier, state, nonce };
    },
    async finish(callbackUrl, redirectUri, pending) {
      const c = await configuration();
      const tokens = await oidc.authorizationCodeGrant(c, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true,
      }, { redirect_uri: redirectUri });
      const claims = tokens.claims();
      const personId = claims?.[claim];
      if (typeof personId !== "string" || personId === "") {
        throw new SchakelError("not-allowed", `the identity provider's ID token has no "${claim}" claim naming the person: set signIn.personClaim to the claim that holds the person id`, { claim });
      }
      return { personId, ...(tokens.id_token ? { idToken: tokens.id_token } : {}) };
    },
    async endSessionUrl(postLogoutRedirectUri, idToken) {
      const c = await configuration().catch(() => undefined);
      if (!c?.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(c, { post_logout_redirect_uri: postLogoutRedirectUri, ...(idToken ? { id_token_hint: idToken } : {}) }).href;
    },
  };
}
