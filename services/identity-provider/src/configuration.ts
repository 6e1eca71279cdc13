/**
 * The oidc-provider configuration of the development provider: two first-party clients (the
 * console: confidential, authorization code with PKCE S256 required; the CLI: public, device
 * authorization grant only), accounts from the persons file (a disabled or unknown person has no
 * account, so an existing session of one stops working too), claims `sub` (person id) and `name`,
 * our own pages instead of the built-in development interactions, token revocation and logout.
 */
import type { Person } from "@schakel/contracts";
import type { AdapterPayload, Configuration, JWK } from "oidc-provider";
import { memoryAdapter } from "./memory-adapter.ts";
import { deviceSuccessPage, errorPage, logoutPage, signedOutPage, userCodeConfirmPage, userCodeInputPage } from "./pages.ts";

export const CONSOLE_CLIENT_ID = "schakel-console";
export const CLI_CLIENT_ID = "schakel-cli";
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** A working day: the console's absolute session length, and how long `schakel login` holds. */
const WORKDAY_S = 8 * 60 * 60;

export interface ProviderSetup {
  persons: () => readonly Person[];
  /** The console client's secret (client_secret_post, as openid-client sends it by default). */
  consoleSecret: string;
  consoleRedirectUris: () => readonly string[];
  consolePostLogoutRedirectUris: () => readonly string[];
  /** Private signing keys (JWK). */
  jwks: JWK[];
  /** Keys that sign the provider's cookies. */
  cookieKeys: string[];
}

/** An enabled person by id, else undefined. */
export const enabledPerson = (persons: readonly Person[], id: string): Person | undefined =>
  persons.find((p) => p.id === id && !p.disabled);

/** The client metadata oidc-provider asks for by id; the console only once it has a redirect URI. */
function clientLookup(setup: ProviderSetup): (id: string) => AdapterPayload | undefined {
  return (id) => {
    if (id === CLI_CLIENT_ID) {
      return {
        client_id: CLI_CLIENT_ID, client_name: "Schakel command line", token_endpoint_auth_method: "none",
        grant_types: [DEVICE_CODE_GRANT], response_types: [], redirect_uris: [],
      };
    }
    if (id === CONSOLE_CLIENT_ID) {
      const redirectUris = [...setup.consoleRedirectUris()];
      if (redirectUris.length === 0) return undefined;
      return {
        client_id: CONSOLE_CLIENT_ID, client_secret: setup.consoleSecret, client_name: "Schakel console",
        token_endpoint_auth_method: "client_secret_post", grant_types: ["authorization_code"], response_types: ["code"],
        redirect_uris: redirectUris, post_logout_redirect_uris: [...setup.consolePostLogoutRedirectUris()],
      };
    }
    return undefined;
  };
}

/** The whole configuration. */
export function providerConfiguration(setup: ProviderSetup): Configuration {
  return {
    adapter: memoryAdapter(clientLookup(setup)),
    jwks: { keys: setup.jwks },
    cookies: { keys: setup.cookieKeys },
    claims: { openid: ["sub"], profile: ["name"], email: ["email"] },
    // The ID token carries `name` as well, so a relying party needs no userinfo call to greet.
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      const person = enabledPerson(setup.persons(), sub);
      if (!person) return undefined;
      return {
        accountId: person.id,
        claims: () => ({ sub: person.id, name: person.name, ...(person.email ? { email: person.email } : {}) }),
      };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // Both clients talk to the provider from a server or the command line, never from a page script.
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: WORKDAY_S, AuthorizationCode: 60, DeviceCode: 10 * 60, Grant: WORKDAY_S, IdToken: 60 * 60,
      Interaction: 60 * 60, Session: WORKDAY_S,
    },
    features: {
      devInteractions: { enabled: false },
      // A client revokes only its own tokens (`schakel logout`).
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: (ctx, form, _out, err) => {
          ctx.type = "html";
          ctx.body = userCodeInputPage(form, err);
        },
        userCodeConfirmSource: (ctx, form, client, _info, userCode) => {
          ctx.type = "html";
          ctx.body = userCodeConfirmPage(form, client.clientName ?? client.clientId, userCode);
        },
        successSource: (ctx) => {
          ctx.type = "html";
          ctx.body = deviceSuccessPage();
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = "html";
          ctx.body = logoutPage(form, ctx.host);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = "html";
          ctx.body = signedOutPage();
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = "html";
      ctx.body = errorPage({ ...out });
    },
  };
}
