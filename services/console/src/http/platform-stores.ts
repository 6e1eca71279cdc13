/**
 * The platform's own records (its buckets: signals, triage, digests it published) as the console
 * reads them: over the console's connection of the platform, opened once per console and opened
 * again after a failure, and refused while the bus is away so a page says so instead of waiting.
 */
import { SchakelError } from "@schakel/contracts";
import { platformOf } from "@schakel/organisation";
import { openPlatformStores, type PlatformStores } from "@schakel/platform";
import type { ConsoleContext } from "./context.ts";

const opened = new WeakMap<ConsoleContext, Promise<PlatformStores>>();

/**
 * The platform's stores; `what` names what the page reads, for the error.
 * @throws SchakelError `unreachable` without a bus connection (not retryable) or while the bus is down
 */
export function platformStores(ctx: ConsoleContext, what: string): Promise<PlatformStores> {
  if (!ctx.publisher) throw new SchakelError("unreachable", `this console runs without a bus connection, so it cannot read ${what}: start it with the bus URL`, {}, { retryable: false });
  if (ctx.busStatus?.down) throw new SchakelError("unreachable", `the bus at ${ctx.busStatus.state.url} cannot be reached, so ${what} cannot be read now; try again when the banner is gone`, { url: ctx.busStatus.state.url });
  let stores = opened.get(ctx);
  if (!stores) {
    stores = ctx.publisher.connection(platformOf(ctx.identities.directory)).then(openPlatformStores);
    opened.set(ctx, stores);
    stores.catch(() => opened.delete(ctx));
  }
  return stores;
}
