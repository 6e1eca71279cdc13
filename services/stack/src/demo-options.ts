/**
 * How the services behave under `--demo`, per service name: federal liaisons answer coordination
 * requests by the demo policy, so a request to the federal level gets its answer while people
 * watch; police zones acknowledge the notices that ask for it; the platform's digest window is short.
 */
import { demoAutoAnswer } from "@schakel/federal";

/** The demo bundles policy updates over 15 s instead of a minute, so the digests arrive while people watch. */
export const DEMO_DIGEST_WINDOW_MS = 15_000;

/** Options per service name for a demo: the federal liaisons answer by the demo policy, police zones acknowledge by it. */
export function demoServiceOptions(): Record<string, object> {
  return { federal: { autoAnswer: demoAutoAnswer }, "local-partners": { autoAcknowledge: true } };
}
