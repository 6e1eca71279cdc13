/**
 * An attacker's connection under observation. Every byte the broker sends to the connection on
 * its inbox prefix (or on every subject, where the attacker may subscribe to all) is recorded (a
 * wiretap subscription next to the attempt's own), so a test can
 * count how many bytes of the victim's secret reached it; every "Permissions Violation" the broker
 * reports is collected, so an attempt can say how it was stopped.
 */
import type { MsgHdrs, NatsConnection, Subscription } from "@nats-io/transport-node";
import { PermissionViolationError } from "@nats-io/transport-node";

export interface Attempt {
  /** True when the broker (or the gate, or JetStream) refused or neutralised it. */
  denied: boolean;
  /** How, in words stable enough for the published table (no ids or sequence numbers). */
  how: string;
}

export type ReplyOutcome =
  | { kind: "reply"; data: Uint8Array; headers?: MsgHdrs }
  | { kind: "violation"; operation: string }
  | { kind: "no-responders" }
  | { kind: "timeout" }
  | { kind: "error"; message: string };

const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Probe {
  #received: Uint8Array[] = [];
  #violations: PermissionViolationError[] = [];
  #wiretap: Subscription;

  /**
   * `at`: how A names a subject where it connects (at a leaf, JetStream API and KV subjects are
   * sent at the hub's domain); requests and publishes go out under that name.
   */
  constructor(readonly nc: NatsConnection, inboxPrefix: string, readonly at: (subject: string) => string = (subject) => subject, wiretap = `${inboxPrefix}.>`) {
    this.#wiretap = nc.subscribe(wiretap, { callback: (e, m) => void (!e && m && this.#received.push(m.data)) });
    void (async () => {
      for await (const s of nc.status()) if (s.type === "error" && s.error instanceof PermissionViolationError) this.#violations.push(s.error);
    })();
  }

  /** Bytes received since the last `reset()` that contain `secret`. */
  leakedBytes(secret: string): number {
    const needle = Buffer.from(secret);
    return this.#received.filter((d) => Buffer.from(d).includes(needle)).reduce((n, d) => n + d.length, 0);
  }

  /** Permission violations the broker reported since the last `reset()`. */
  violations(): PermissionViolationError[] {
    return [...this.#violations];
  }

  async reset(): Promise<void> {
    await this.nc.flush();
    await settle();
    this.#received = [];
    this.#violations = [];
  }

  /** Waits until the broker has answered everything sent so far (a -ERR arrives before the PONG). */
  async settled(): Promise<void> {
    await this.nc.flush().catch(() => {});
    await settle();
  }

  /** A request, classified. */
  async request(name: string, body: string | Uint8Array = "", opts: { headers?: MsgHdrs; timeoutMs?: number } = {}): Promise<ReplyOutcome> {
    const subject = this.at(name);
    try {
      const m = await this.nc.request(subject, body, { timeout: opts.timeoutMs ?? 1_500, ...(opts.headers ? { headers: opts.headers } : {}) });
      return m.headers?.code === 503 ? { kind: "no-responders" } : { kind: "reply", data: m.data, ...(m.headers ? { headers: m.headers } : {}) };
    } catch (err) {
      const e = err as Error & { cause?: unknown };
      const cause = e.cause ?? e;
      if (cause instanceof PermissionViolationError || /permissions violation/i.test(e.message)) return { kind: "violation", operation: "publish" };
      await this.settled();
      if (this.#violations.some((v) => v.subject === subject)) return { kind: "violation", operation: "publish" };
      if (/no responders/i.test(`${e.message} ${(cause as Error)?.message ?? ""}`)) return { kind: "no-responders" };
      if (/timeout/i.test(`${e.name} ${e.message}`)) return { kind: "timeout" };
      return { kind: "error", message: e.message };
    }
  }

  /** A core publish; true when the broker refused it. */
  async publishRefused(name: string, body: string | Uint8Array = "", opts: { reply?: string; headers?: MsgHdrs } = {}): Promise<boolean> {
    const subject = this.at(name);
    this.nc.publish(subject, body, { ...opts, ...(opts.reply ? { reply: this.at(opts.reply) } : {}) });
    await this.settled();
    return this.#violations.some((v) => v.operation === "publish" && v.subject === subject);
  }

  /** A core subscription; resolves with the number of messages it got in `waitMs`, or "refused". */
  async subscribe(subject: string, waitMs = 300): Promise<number | "refused"> {
    let got = 0;
    const sub = this.nc.subscribe(subject, { callback: (e, m) => { if (e || !m) return; got++; this.#received.push(m.data); } });
    await this.settled();
    await settle(waitMs);
    const refused = this.#violations.some((v) => v.operation === "subscription" && v.subject === subject);
    if (!sub.isClosed()) sub.unsubscribe();
    return refused ? "refused" : got;
  }

  close(): void {
    this.#wiretap.unsubscribe();
  }
}

/** How a refused reply reads in the table. */
export function describeRefusal(o: ReplyOutcome): Attempt {
  switch (o.kind) {
    case "violation": return { denied: true, how: "Permissions Violation" };
    case "no-responders": return { denied: true, how: "no responders (not exported to the account)" };
    case "timeout": return { denied: true, how: "no answer" };
    case "error": return { denied: true, how: `error: ${o.message.slice(0, 60)}` };
    case "reply": return { denied: false, how: `answered (${o.data.length} bytes)` };
  }
}

/** The `error.description` of a JetStream API reply, if it is an error. */
export function jsError(o: ReplyOutcome): string | undefined {
  if (o.kind !== "reply") return undefined;
  try {
    const body = JSON.parse(new TextDecoder().decode(o.data)) as { error?: { description?: string } };
    return body.error?.description;
  } catch {
    return undefined;
  }
}
