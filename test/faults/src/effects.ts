/**
 * The consumer side of a fault scenario: every handler run is an effect, counted per envelope
 * id, so "exactly once" is measured (duplicates = ids whose effect ran more than once) rather
 * than assumed from the bus's own bookkeeping.
 */
export class EffectLedger {
  readonly #runs = new Map<string, number>();
  /** Deliveries the handler saw with a delivery count above 1 (the broker redelivered). */
  redelivered = 0;

  /** Records one run of the effect of message `id`. */
  record(id: string, deliveryCount = 1): void {
    this.#runs.set(id, (this.#runs.get(id) ?? 0) + 1);
    if (deliveryCount > 1) this.redelivered++;
  }

  has(id: string): boolean {
    return this.#runs.has(id);
  }

  /** Distinct messages whose effect ran. */
  get distinct(): number {
    return this.#runs.size;
  }

  /** Messages whose effect ran more than once. */
  get duplicates(): number {
    let n = 0;
    for (const runs of this.#runs.values()) if (runs > 1) n++;
    return n;
  }

  /** Of `ids`, those whose effect never ran. */
  missing(ids: Iterable<string>): string[] {
    return [...ids].filter((id) => !this.#runs.has(id));
  }
}
