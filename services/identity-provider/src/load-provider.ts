/**
 * Loading oidc-provider. Version 9 names Node 22 as its supported runtime and, when imported on
 * an older LTS line, prints "Unsupported runtime" through console.warn. Schakel runs on Node 20
 * (Debian 12's line) on purpose, and every flow it uses of the provider (discovery, code flow with
 * PKCE, device flow, logout, revocation) is tested on Node 20; the README says so. That one line,
 * printed at every `schakel up`, would only alarm the newcomer, so it is held back while the
 * module loads; any other warning passes through unchanged.
 */
import type ProviderClass from "oidc-provider";

const RUNTIME_WARNING = /^oidc-provider WARNING: Unsupported runtime\b/;

let loading: Promise<typeof ProviderClass> | undefined;

/** The Provider class, imported once. */
export function loadProvider(): Promise<typeof ProviderClass> {
  loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === "string" && RUNTIME_WARNING.test(args[0].replace(/\x1b\[[0-9;]*m/g, ""))) return;
      warn.apply(console, args);
    };
    try {
      return (await import("oidc-provider")).default;
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}
