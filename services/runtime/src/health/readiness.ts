/**
 * Readiness as the health server reports it: each component of a process (the level services,
 * the auditor, the console, the consumer gate) registers a probe that says whether it is ready
 * and, when not, why — per hosted organisation where it hosts several. A probe may be async; one
 * that throws or does not answer in time counts as not ready, with that as the reason.
 */

/** One thing's readiness: ready, or the reason it is not, for an operator to act on. */
export interface Readiness {
  ready: boolean;
  reason?: string;
}

/** A component's readiness, with its organisations' when it hosts some. */
export interface ComponentReadiness extends Readiness {
  organisations?: Record<string, Readiness>;
}

export type ReadinessProbe = () => ComponentReadiness | Promise<ComponentReadiness>;

/** The answer of `/readyz`: ready when every component is. */
export interface ProcessReadiness {
  ready: boolean;
  components: Record<string, ComponentReadiness>;
}

export const ready: Readiness = Object.freeze({ ready: true });
export const notReady = (reason: string): Readiness => ({ ready: false, reason });

/** A component made of organisations: ready when each is; the reason names those that are not. */
export function fromOrganisations(organisations: Record<string, Readiness>): ComponentReadiness {
  const waiting = Object.entries(organisations).filter(([, r]) => !r.ready).map(([org]) => org);
  if (!Object.keys(organisations).length) return { ready: false, reason: "runs no organisation (yet)", organisations };
  return waiting.length ? { ready: false, reason: `not ready: ${waiting.join(", ")}`, organisations } : { ready: true, organisations };
}

/** Asks one probe, bounded by `timeoutMs`; trouble becomes a reason. */
async function ask(probe: ReadinessProbe, timeoutMs: number): Promise<ComponentReadiness> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ComponentReadiness>((resolve) => {
    timer = setTimeout(() => resolve(notReady(`its readiness probe did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(probe), late]);
  } catch (err) {
    return notReady(`its readiness probe failed: ${(err as Error)?.message ?? String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Asks every probe side by side. With no component registered the process is not ready. */
export async function processReadiness(probes: ReadonlyMap<string, ReadinessProbe>, timeoutMs = 2_000): Promise<ProcessReadiness> {
  const entries = await Promise.all([...probes].map(async ([name, probe]) => [name, await ask(probe, timeoutMs)] as const));
  const components = Object.fromEntries(entries);
  return { ready: entries.length > 0 && entries.every(([, r]) => r.ready), components };
}
