/**
 * The OpenTelemetry resource of a Schakel process, shared by its traces and its metrics: the SDK's
 * default attributes (`telemetry.sdk.name/language/version`), what the environment and the process
 * say (OTEL_RESOURCE_ATTRIBUTES, `process.*`, `host.*`), then the service, its organisation(s) and
 * level, which win over both. Loaded on demand, like the SDKs themselves.
 */
import type { Resource } from "@opentelemetry/resources";
import { LEVELS } from "@schakel/contracts";

/** Who a process is, as its telemetry says. */
export interface ProcessIdentity {
  /** `service.name`, e.g. `schakel-local`. */
  serviceName: string;
  /** The organisation(s) this process runs (`schakel.organisation`). */
  orgs: string[];
  /** `schakel.level`; default: the level named in the service name (`schakel-flemish` → flemish). */
  level?: string;
}

function levelOf(id: ProcessIdentity): string | undefined {
  if (id.level) return id.level;
  return (LEVELS as readonly string[]).find((l) => id.serviceName === l || id.serviceName.endsWith(`-${l}`));
}

/** The attributes Schakel sets itself (the part tests and logs refer to). */
export async function schakelAttributes(id: ProcessIdentity): Promise<Record<string, string | string[]>> {
  const semconv = await import("@opentelemetry/semantic-conventions");
  const level = levelOf(id);
  return {
    [semconv.ATTR_SERVICE_NAME]: id.serviceName,
    [semconv.ATTR_SERVICE_VERSION]: "0.1.0",
    // None for a process that acts for no organisation (a CLI command without --as).
    ...(id.orgs.length ? { "schakel.organisation": id.orgs.length === 1 ? id.orgs[0]! : [...id.orgs] } : {}),
    ...(level ? { "schakel.level": level } : {}),
  };
}

/** The full resource: SDK defaults, environment and process detection, then Schakel's attributes. */
export async function processResource(id: ProcessIdentity): Promise<Resource> {
  const { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } = await import("@opentelemetry/resources");
  return defaultResource()
    .merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }))
    .merge(resourceFromAttributes(await schakelAttributes(id)));
}
