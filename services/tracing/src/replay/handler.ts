/**
 * Replay straight into a local handler module (a service under development, no broker between):
 * the module exports `handlers` (or a default export) typed like a service's `Handlers`. Each
 * replayed message becomes a typed `Delivery` marked `replay: "handler"`, in original order.
 * Answers the handler sends are validated and recorded, never published. Every message goes
 * through the bus client's decode path (signature, key at its storage time, schema; no clock check
 * for these historical messages) and becomes a Delivery built by the bus client (`deliveryOf`).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { catalog, isMessageType, newMessageId, SchemaError, traceIdOf, type Envelope, type MessageType } from "@schakel/contracts";
import { decodeMessage, deliveryOf, HEADERS, startProcessSpan, withContext, type Delivery, type Handler, type Handlers, type KeyDirectory, type SignatureCheck } from "@schakel/contracts/bus";
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

/** Loads a module by its file URL (the CLI passes tsx's `tsImport`, which loads `.ts` as ESM wherever it lies). */
export type ModuleImporter = (url: string) => Promise<unknown>;

/**
 * Imports the handler module at exactly `path` (no extension swapping: `handler.js` is that file,
 * also beside a `handler.ts`) with `importModule`; throws an Error naming the file when it is
 * missing or exports no handlers.
 */
export async function loadHandlers(path: string, importModule: ModuleImporter = (url) => import(url)): Promise<Handlers> {
  const file = resolve(path);
  if (!existsSync(file)) throw new Error(`${file} does not exist: give the path of the handler module (.ts, .mts, .js or .mjs)`);
  const mod = (await importModule(pathToFileURL(file).href)) as { handlers?: unknown; default?: unknown };
  const handlers = mod.handlers ?? mod.default;
  if (!handlers || typeof handlers !== "object") {
    throw new Error(`${file} exports no handlers: export const handlers = { "notice.posted": async (d) => { … } } (or a default export)`);
  }
  for (const [type, fn] of Object.entries(handlers)) {
    if (!isMessageType(type) || typeof fn !== "function") throw new Error(`${file}: "${type}" is not a catalog type with a handler function`);
  }
  return handlers as Handlers;
}

/** Runs replayed messages through `handlers`; `replies` collects what they tried to send. */
export function handlerTarget(handlers: Handlers, directory: KeyDirectory): { replies: CapturedReply[]; deliver(item: ReplayItem, checkSignature?: SignatureCheck): Promise<HandlerOutcome> } {
  const replies: CapturedReply[] = [];
  return {
    replies,
    // `checkSignature`: the crypto pool's outcome for this message, when it verified it ahead (replay.ts).
    async deliver(item, checkSignature) {
      const { stored } = item;
      const storedAt = new Date(stored.storedAt);
      const h = stored.headers;
      // The same binding checks as a live consumer's (a message of the previous release has no Content-Type and is read as such).
      const headers = { contentType: h[HEADERS.contentType], traceparent: h[HEADERS.traceparent], msgId: h[HEADERS.msgId] };
      const decoded = decodeMessage({ subject: stored.subject, body: stored.body, signature: h[HEADERS.signature], storedAt, headers }, { directory, skewMs: 0, checkSkew: false, ...(checkSignature ? { checkSignature } : {}) });
      if (!decoded.ok) return { kind: "refused", seq: stored.seq, stream: stored.stream, reason: decoded.rejection.reason, detail: decoded.rejection.detail };
      const { type, envelope } = decoded;
      const handler = handlers[type] as Handler<MessageType> | undefined;
      if (!handler) return { kind: "ignored", id: envelope.id, type };
      const span = startProcessSpan({
        type, subject: stored.subject, consumer: "replay-handler", stream: stored.stream, seq: stored.seq, deliveryCount: 1,
        bodySize: stored.body.length, envelope, receiver: envelope.audience, replay: "handler",
      });
      // Answers are validated and recorded, never sent: a replay has no live effects.
      const reply: Delivery["reply"] = async (t, data, o) => {
        const parsed = catalog[t].schema.safeParse(data);
        if (!parsed.success) throw SchemaError.fromZod(`${t} data`, parsed.error, "data");
        replies.push({ inReplyTo: envelope.id, type: t, to: o.to, data: parsed.data });
        const id = newMessageId();
        const answer: Envelope = { ...envelope, id, type: t, data: parsed.data, causationid: envelope.id };
        return { id, subject: "", stream: "", seq: 0, duplicate: false, traceId: traceIdOf(envelope.traceparent), envelope: answer };
      };
      const delivery = deliveryOf({ ok: true, type, envelope, storedAt }, { subject: stored.subject, stream: stored.stream, seq: stored.seq, replay: "handler" }, reply);
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
