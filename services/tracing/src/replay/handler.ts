/**
 * Replay straight into a local handler module (a service under development, no broker between):
 * the module exports `handlers` (or a default export) typed like a service's `Handlers`. Each
 * replayed message becomes a typed `Delivery` marked `replay: "handler"`, in original order.
 * Answers the handler sends are validated and recorded, never published. Messages the trace
 * index holds were verified when indexed and are only parsed; others are verified in full.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { catalog, isMessageType, newMessageId, RawEnvelope, SchemaError, traceIdOf, type Envelope, type MessageType } from "@schakel/contracts";
import { decodeMessage, HEADERS, startProcessSpan, withContext, type Delivery, type Handler, type Handlers, type KeyDirectory, type Published } from "@schakel/contracts/bus";
import type { ReplayItem } from "./select.ts";

/** An answer a replayed handler tried to send. */
export interface CapturedReply {
  inReplyTo: string;
  type: string;
  to: string;
  data: unknown;
}

export type HandlerOutcome =
  | { kind: "handled"; id: string; type: string }
  | { kind: "ignored"; id: string; type: string }
  | { kind: "refused"; seq: number; stream: string; reason: string; detail: string }
  | { kind: "failed"; id: string; type: string; error: string };

/** Imports a handler module; throws an Error naming the file when it exports no handlers. */
export async function loadHandlers(path: string): Promise<Handlers> {
  const file = resolve(path);
  const mod = (await import(pathToFileURL(file).href)) as { handlers?: unknown; default?: unknown };
  const handlers = mod.handlers ?? mod.default;
  if (!handlers || typeof handlers !== "object") {
    throw new Error(`${file} exports no handlers: export const handlers = { "notice.posted": async (d) => { … } } (or a default export)`);
  }
  for (const [type, fn] of Object.entries(handlers)) {
    if (!isMessageType(type) || typeof fn !== "function") throw new Error(`${file}: "${type}" is not a catalog type with a handler function`);
  }
  return handlers as Handlers;
}

const dec = new TextDecoder();

function parseIndexed(item: ReplayItem): { ok: true; type: MessageType; envelope: Envelope } | { ok: false; reason: string; detail: string } {
  const env = RawEnvelope.safeParse(JSON.parse(dec.decode(item.stored.body)));
  if (!env.success || !isMessageType(env.data.type)) return { ok: false, reason: "invalid-envelope", detail: env.error?.message ?? "unknown type" };
  const data = catalog[env.data.type].schema.safeParse(env.data.data);
  if (!data.success) return { ok: false, reason: "invalid-data", detail: SchemaError.fromZod(`${env.data.type} data`, data.error, "data").message };
  return { ok: true, type: env.data.type, envelope: { ...env.data, data: data.data } };
}

/** Runs replayed messages through `handlers`; `replies` collects what they tried to send. */
export function handlerTarget(handlers: Handlers, directory: KeyDirectory): { replies: CapturedReply[]; deliver(item: ReplayItem): Promise<HandlerOutcome> } {
  const replies: CapturedReply[] = [];
  return {
    replies,
    async deliver(item) {
      const { stored } = item;
      const storedAt = new Date(stored.storedAt);
      const decoded = item.entry
        ? parseIndexed(item)
        : (() => {
            const d = decodeMessage({ subject: stored.subject, body: stored.body, signature: stored.headers[HEADERS.signature], storedAt }, { directory, skewMs: 0, checkSkew: false });
            return d.ok ? d : { ok: false as const, reason: d.rejection.reason, detail: d.rejection.detail };
          })();
      if (!decoded.ok) return { kind: "refused", seq: stored.seq, stream: stored.stream, reason: decoded.reason, detail: decoded.detail };
      const { type, envelope } = decoded;
      const handler = handlers[type] as Handler<MessageType> | undefined;
      if (!handler) return { kind: "ignored", id: envelope.id, type };
      const span = startProcessSpan({
        type, subject: stored.subject, consumer: "replay-handler", stream: stored.stream, seq: stored.seq, deliveryCount: 1,
        bodySize: stored.body.length, envelope, receiver: envelope.audience, replay: "handler",
      });
      const delivery = {
        type, envelope, data: envelope.data, subject: stored.subject, stream: stored.stream, seq: stored.seq, deliveryCount: 1, storedAt, replay: "handler",
        async reply(t: MessageType, data: unknown, o: { to: string }): Promise<Published> {
          const parsed = catalog[t].schema.safeParse(data);
          if (!parsed.success) throw SchemaError.fromZod(`${t} data`, parsed.error, "data");
          replies.push({ inReplyTo: envelope.id, type: t, to: o.to, data: parsed.data });
          const id = newMessageId();
          return { id, subject: "", stream: "", seq: 0, duplicate: false, traceId: traceIdOf(envelope.traceparent), envelope: { ...envelope, id, type: t, data: parsed.data, causationid: envelope.id } };
        },
      } as unknown as Delivery;
      try {
        await withContext(span.context, () => handler(delivery));
        span.end();
        return { kind: "handled", id: envelope.id, type };
      } catch (err) {
        span.end(err);
        return { kind: "failed", id: envelope.id, type, error: (err as Error)?.message ?? String(err) };
      }
    },
  };
}
