/**
 * A timer over the records of one KV bucket: it keeps, for every record, the moment something
 * is due (a deadline, the end of a digest window) and acts on records whose moment has come.
 * The index is fed by a KV watch, which first delivers every current record, so a restarted
 * platform resumes from what the bucket holds; later writes (by the handlers or by `act`
 * itself) keep it current. `act` re-reads the record and decides with compare-and-set, so the
 * index is only a hint and a stale entry costs one read.
 */
import type { z } from "zod";
import { watchRecords, type RecordBucket, type RecordWatch } from "@schakel/contracts/bus";
import type { PlatformContext } from "./context.ts";

export interface DueWatchOptions<S extends z.ZodType> {
  name: string;
  records: RecordBucket<S>;
  /** When the record needs `act` (ms since epoch), or undefined when it needs nothing. */
  dueAt(value: z.infer<S>): number | undefined;
  /** Handles a due record; returns when it is due again, or undefined when it is done. */
  act(key: string, now: number): Promise<number | undefined>;
  tickMs: number;
}

export class DueWatch<S extends z.ZodType> {
  readonly #index = new Map<string, number>();
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #watch: RecordWatch<z.infer<S>> | undefined;
  #tick: Promise<void> | undefined;
  #failures = new Map<string, number>();

  constructor(private readonly p: PlatformContext, private readonly opts: DueWatchOptions<S>) {}

  /** Number of records currently waiting for their moment. */
  get waiting(): number {
    return this.#index.size;
  }

  start(): void {
    void this.#follow();
    void this.#resyncOnReconnect();
    this.#timer = setInterval(() => {
      this.#tick ??= this.#runDue().finally(() => (this.#tick = undefined));
    }, this.opts.tickMs);
  }

  /** Stops the timer and the watch; waits for an action in progress to finish. */
  async stop(): Promise<void> {
    this.kill();
    await this.#tick;
  }

  /** Stops the timer and the watch at once; an action in progress is abandoned (its connection is gone). */
  kill(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#watch?.stop();
  }

  #note(key: string, value: z.infer<S>): void {
    const due = this.opts.dueAt(value);
    if (due === undefined) this.#index.delete(key);
    else this.#index.set(key, due);
  }

  async #follow(): Promise<void> {
    const { records } = this.opts;
    while (!this.#stopped) {
      try {
        this.#watch = await watchRecords(records);
        if (this.#stopped) this.#watch.stop();
        for await (const change of this.#watch) {
          if (change.kind === "written") this.#note(change.key, change.value);
          else if (change.kind === "removed") this.#index.delete(change.key);
          else this.p.emit({ kind: "watch-error", watcher: this.opts.name, key: change.key, error: change.error.message });
        }
      } catch (err) {
        if (this.#stopped) break;
        this.p.emit({ kind: "watch-error", watcher: this.opts.name, error: (err as Error)?.message ?? String(err) });
      }
      if (!this.#stopped) await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  /** After a reconnect the watch's consumer may be gone with the old server: watch again from the bucket. */
  async #resyncOnReconnect(): Promise<void> {
    try {
      for await (const e of this.p.bus.connectionEvents()) {
        if (this.#stopped) return;
        if (e.kind === "reconnected") this.#watch?.stop();
      }
    } catch {
      // the status iterator ends with the connection
    }
  }

  async #runDue(): Promise<void> {
    const now = Date.now();
    const due = [...this.#index].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    for (const [key] of due) {
      if (this.#stopped) return;
      try {
        const next = await this.opts.act(key, now);
        this.#failures.delete(key);
        if (next === undefined) this.#index.delete(key);
        else this.#index.set(key, next);
      } catch (err) {
        if (this.#stopped) return;
        // Retry later, backing off, without blocking the other records.
        const n = (this.#failures.get(key) ?? 0) + 1;
        this.#failures.set(key, n);
        this.#index.set(key, Date.now() + Math.min(500 * 2 ** (n - 1), 30_000));
        this.p.log.warn({ watcher: this.opts.name, key, attempt: n, err: (err as Error)?.message ?? String(err) }, "due action failed; will retry");
        this.p.emit({ kind: "watch-error", watcher: this.opts.name, key, error: (err as Error)?.message ?? String(err) });
      }
    }
  }
}
