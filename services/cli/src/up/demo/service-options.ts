/**
 * How the services behave under `--demo`, per service name: federal liaisons answer coordination
 * requests by the demo policy, so a request to the federal level gets its answer while people watch.
 */
import { demoAutoAnswer } from "@schakel/federal";

export function demoServiceOptions(): Record<string, object> {
  return { federal: { autoAnswer: demoAutoAnswer } };
}
