/**
 * `replay`: one trace or a time window, in original order, at the chosen pace, into a sandbox
 * namespace or a local handler module. Replayed messages keep their ids and envelopes (the bytes
 * are copied) and carry the replay marker; nothing is written to a live subject or stream.
 */
import { HEADERS, signaturesAhead, type Handlers, type KeyDirectory, type SignatureCheck } from "@schakel/contracts/bus";
import { newMessageId } from "@schakel/contracts";
import type { Operator } from "../operator.ts";
import { handlerTarget, type CapturedReply, type HandlerOutcome } from "./handler.ts";
import { Pacer, type Pace } from "./pace.ts";
import { sandboxTarget } from "./sandbox.ts";
import { selectTrace, selectWindow, type ReplayItem, type WindowOptions } from "./select.ts";

export type ReplaySelection = { trace: string } | ({ trace?: undefined } & WindowOptions);
export type ReplayInto = { sandbox: string } | { handlers: Handlers; directory: KeyDirectory };

export interface ReplayProgress {
  done: number;
  /** Known for a trace; for a window once the first message of each stream is read. */
  total?: number;
  /** Storage time of the message just replayed. */
  at: string;
}

/** One replayed message (listed up to LISTED_MAX). */
export interface ReplayedMessage {
  stream: string;
  seq: number;
  subject: string;
  storedAt: string;
  /** Where the copy went (sandbox), or what the handler did. */
  copy?: { stream: string; seq: number };
  outcome?: HandlerOutcome;
}

export interface ReplayResult {
  /** This run: its sandbox copies carry the message id `<runId>:<stream>:<seq>`. */
  runId: string;
  into: { kind: "sandbox"; name: string; stream: string; consumer: string } | { kind: "handler" };
  traceId?: string;
  pace: Pace;
  replayed: number;
  messages: ReplayedMessage[];
  /** Handler mode: counts by outcome, and the answers the handler tried to send (not published). */
  outcomes?: Record<HandlerOutcome["kind"], number>;
  replies?: CapturedReply[];
  durationMs: number;
}

export const LISTED_MAX = 10_000;

export interface ReplayOptions {
  select: ReplaySelection;
  into: ReplayInto;
  pace: Pace;
  onProgress?: (p: ReplayProgress) => void;
  /** Stops between messages (Ctrl-C); what was replayed stays replayed. */
  signal?: AbortSignal;
  /** Into a handler module: verify signatures ahead in the crypto pool's worker threads (default true; false: all inline). */
  verifyInWorkers?: boolean;
}

async function* plain(items: AsyncIterable<ReplayItem>): AsyncGenerator<{ item: ReplayItem; checkSignature?: SignatureCheck }> {
  for await (const item of items) yield { item };
}

/**
 * Replays with the operator's connection. Throws NotIndexedError for an unknown trace, a
 * SubjectError for a bad sandbox name, type glob or sender; stops at the first failed copy.
 */
export async function replay(op: Operator, opts: ReplayOptions): Promise<ReplayResult> {
  const started = performance.now();
  const runId = newMessageId();
  const selection = opts.select.trace !== undefined ? await selectTrace(op, opts.select.trace) : selectWindow(op, opts.select);
  const pacer = new Pacer(opts.pace);
  const messages: ReplayedMessage[] = [];
  let replayed = 0;
  let into: ReplayResult["into"];
  let deliver: (item: ReplayItem, checkSignature?: SignatureCheck) => Promise<Pick<ReplayedMessage, "copy" | "outcome">>;
  let handler: ReturnType<typeof handlerTarget> | undefined;
  if ("sandbox" in opts.into) {
    const target = await sandboxTarget(op.connection, opts.into.sandbox, runId);
    into = { kind: "sandbox", name: target.name, stream: target.consumer.stream, consumer: target.consumer.name };
    deliver = async (item) => ({ copy: await target.deliver(item.stored) });
  } else {
    handler = handlerTarget(opts.into.handlers, opts.into.directory);
    into = { kind: "handler" };
    const h = handler;
    deliver = async (item, checkSignature) => ({ outcome: await h.deliver(item, checkSignature) });
  }
  const outcomes = { handled: 0, ignored: 0, refused: 0, failed: 0 };
  // Into a handler module every message is verified: the crypto pool verifies a backlog ahead, in order.
  const items = handler && opts.verifyInWorkers !== false
    ? signaturesAhead(selection.items, ({ stored }) => { const header = stored.headers[HEADERS.signature]; return header ? { subject: stored.subject, body: stored.body, header } : undefined; })
    : plain(selection.items);
  for await (const { item, checkSignature } of items) {
    if (opts.signal?.aborted) break;
    await pacer.turn(Date.parse(item.stored.storedAt));
    const done = await deliver(item, checkSignature);
    if (done.outcome) outcomes[done.outcome.kind]++;
    replayed++;
    if (messages.length < LISTED_MAX) {
      const { stream, seq, subject, storedAt } = item.stored;
      messages.push({ stream, seq, subject, storedAt, ...done });
    }
    const total = selection.total();
    opts.onProgress?.({ done: replayed, ...(total !== undefined ? { total } : {}), at: item.stored.storedAt });
  }
  return {
    runId,
    into,
    ...(selection.traceId ? { traceId: selection.traceId } : {}),
    pace: opts.pace,
    replayed,
    messages,
    ...(handler ? { outcomes, replies: handler.replies } : {}),
    durationMs: performance.now() - started,
  };
}
