/**
 * Handling some messages side by side. A consumer handles its messages one at a time in stream
 * order, because most effects depend on what came before. Some types do not: each message changes
 * only a record of its own (a recipient's delivery receipt of a notice) and handling it twice
 * changes nothing. Messages of such *independent* types may run at the same time as each other,
 * up to a limit, which hides the bus round trips of one behind another's; a message of any other
 * type first waits for every one under way, and nothing after it starts before it is done. So the
 * order of effects changes only among independent messages, whose effects commute.
 */
export class SideBySide {
  readonly #running = new Set<Promise<void>>();
  /** The first failure of independent work not yet reported: thrown by the next call. */
  #failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /**
   * Runs `work`. An independent one starts once fewer than `limit` are under way and is not
   * waited for; any other waits for all under way first, then runs to its end. A failure of
   * independent work is thrown by the next call (or `settled`), never lost.
   */
  async run(independent: boolean, work: () => Promise<void>): Promise<void> {
    if (!independent) {
      await this.settled();
      return work();
    }
    while (this.#running.size >= this.limit) await Promise.race(this.#running);
    this.#throwFailure();
    const running: Promise<void> = work()
      .catch((error: unknown) => void (this.#failure ??= { error }))
      .finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  /** Resolves once nothing is under way; throws the first failure of independent work, if any. */
  async settled(): Promise<void> {
    while (this.#running.size) await Promise.all(this.#running);
    this.#throwFailure();
  }

  #throwFailure(): void {
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure) throw failure.error;
  }
}
