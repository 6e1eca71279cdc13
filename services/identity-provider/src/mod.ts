/**
 * @schakel/identity-provider — the development OpenID Provider (oidc-provider) that `schakel up`
 * runs beside the console: it signs in the persons of the persons file, so the console and the
 * CLI sign in through it exactly as through a real provider. Every public export, by name.
 */
export { startIdentityProvider, DEFAULT_IDENTITY_PROVIDER_PORT, CONSOLE_CLIENT_ID, CLI_CLIENT_ID } from "./start.ts";
export type { IdentityProviderOptions, RunningIdentityProvider } from "./start.ts";
