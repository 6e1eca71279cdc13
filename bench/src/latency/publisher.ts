/**
 * The publishing half of the latency scenario, in its own process as a sender is in production
 * (its CPU does not delay the reader's event loop). It keeps its connections for the whole
 * scenario and, per command, publishes `total` messages at `rate` msg/s, recording each send's
 * time on the system-wide monotonic clock (`process.hrtime`), which the reader's process shares.
 */
import { jetstream } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { Directory, type InputOf } from "@schakel/contracts";
import { connectBus, KeyDirectory, OrgCredentials } from "@schakel/contracts/bus";
import { monotonicMs } from "./clock.ts";

/** Sent once, to set the child up. */
export interface PublisherSetup {
  url: string;
  credentials: unknown;
  directory: unknown;
  inboxPrefix: string;
  to: string;
  data: unknown;
  /** Raw and limit sides: the frozen subject, body and signing bytes (base64). */
  subject: string;
  body: string;
  signed: string;
}

/** One run. */
export interface PublishCommand {
  side: "raw" | "limit" | "schakel";
  total: number;
  rate: number;
}

/** The answer to a command: send times (ms on the monotonic clock) or what failed. */
export interface PublishReport {
  sentAt?: number[];
  /** How far behind its schedule the last send was, in ms (a starved sender bunches its sends). */
  lateMs?: number;
  error?: string;
}

const ACK_TIMEOUT_MS = 30_000;

async function main(setup: PublisherSetup): Promise<void> {
  const creds = OrgCredentials.parse(setup.credentials);
  // Acks may come late when the cores are busy; the figure is the reader's latency, so wait for them.
  const bus = await connectBus({ servers: setup.url, credentials: creds, directory: new KeyDirectory(Directory.parse(setup.directory)), timeoutMs: ACK_TIMEOUT_MS });
  const nc = await connect({ servers: setup.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(creds.seed)), inboxPrefix: setup.inboxPrefix, noAsyncTraces: true });
  const js = jetstream(nc, { timeout: ACK_TIMEOUT_MS });
  const body = Buffer.from(setup.body, "base64");
  const signed = Buffer.from(setup.signed, "base64");
  const data = setup.data as InputOf<"notice.posted">;
  const send = {
    raw: () => js.publish(setup.subject, body),
    limit: () => {
      bus.identity.sign(signed);
      return js.publish(setup.subject, body);
    },
    schakel: () => bus.publish("notice.posted", data, { to: setup.to }),
  };
  process.on("message", (cmd: PublishCommand | "exit") => {
    if (cmd === "exit") {
      void Promise.all([bus.close(), nc.close()]).finally(() => process.exit(0));
      return;
    }
    void run(cmd, send[cmd.side]).then((report) => process.send!(report));
  });
  process.send!({ ready: true });
}

/** Calls `send` `total` times at `rate` per second, in small timer-driven bursts. */
async function run(cmd: PublishCommand, send: () => Promise<unknown>): Promise<PublishReport> {
  const sentAt = new Array<number>(cmd.total);
  let error: string | undefined;
  const t0 = monotonicMs();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < cmd.total; ) {
    const due = Math.min(cmd.total, Math.floor(((monotonicMs() - t0) * cmd.rate) / 1000) + 1);
    for (; i < due; i++) {
      sentAt[i] = monotonicMs();
      pending.push(send().catch((e: Error) => void (error ??= e?.message ?? String(e))));
    }
    // 1 ms timers: at 2,000 msg/s a burst is 2–4 messages, without a busy loop taking a core.
    await new Promise((r) => setTimeout(r, 1));
  }
  const lateMs = Math.max(0, sentAt[cmd.total - 1]! - t0 - ((cmd.total - 1) * 1000) / cmd.rate);
  await Promise.all(pending);
  return error ? { error } : { sentAt, lateMs };
}

process.once("message", (setup: PublisherSetup) => void main(setup).catch((err: Error) => process.send!({ error: err.message })));
