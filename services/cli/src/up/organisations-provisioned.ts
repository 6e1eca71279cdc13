/**
 * Which organisations' consumers and bucket exist yet, while `schakel up` provisions: one promise per
 * organisation of the registry, resolved when its objects are made, rejected when provisioning fails,
 * so its services start as early as they can and never before.
 */
export class OrganisationsProvisioned {
  readonly #waiting = new Map<string, { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void }>();
  constructor(orgs: readonly string[]) {
    for (const org of orgs) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      promise.catch(() => undefined);
      this.#waiting.set(org, { promise, resolve, reject });
    }
  }
  done(org: string): void {
    this.#waiting.get(org)?.resolve();
  }
  failed(err: unknown): void {
    for (const w of this.#waiting.values()) w.reject(err);
  }
  of(org: string): Promise<void> {
    return this.#waiting.get(org)?.promise ?? Promise.reject(new Error(`"${org}" is not in the registry the bus was provisioned for`));
  }
}
