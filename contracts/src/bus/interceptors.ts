/**
 * Interceptors: the one way to add cross-cutting behaviour to what the bus does with a message
 * (the model is Temporal's interceptor chains). An inbound interceptor runs around every handler
 * run of a consumption; an outbound interceptor around every send of a bus. Each gets the input
 * and `next`, and decides whether, when, how often and with what input to call it.
 *
 * Signing, verification, dead letters and tracing are not interceptors: they are the contract
 * itself and always run. A handler's process span is active while its interceptors run, so their
 * log lines carry the message's trace.
 *
 * Chains are composed once — when a consumption starts, when a bus is made — never per message:
 * without interceptors the handler or the send is called directly (nothing allocated), and with
 * them a message costs only the interceptors' own work.
 */
import type { MessageType } from "../catalog.ts";
import type { Published } from "./bus.ts";
import type { Delivery, Handler, Handlers } from "./consume.ts";
import type { Outgoing } from "./outgoing.ts";

/** Runs the rest of an inbound chain: the next interceptor, finally the handler. */
export type NextHandler = (delivery: Delivery) => Promise<void>;

/**
 * Around every handler run of a consumption (`bus.consume({ handlers, interceptors })`). Runs
 * only for verified messages that have a handler: refused, duplicate and ignored messages never
 * reach it (the consumption's `onEvent` reports those). Throwing, or not calling `next`, has the
 * effect of a handler that throws or does nothing: a throw is retried, then dead-lettered.
 */
export type InboundInterceptor = (delivery: Delivery, next: NextHandler) => Promise<void>;

/** Sends the rest of an outbound chain: the next interceptor, finally the bus's own send. */
export type NextSend = (outgoing: Outgoing) => Promise<Published>;

/**
 * Around every send of a bus (`publish`, `send`, a delivery's `reply`), after the message was
 * built and signed: the outgoing message is final (changing its body breaks its signature).
 * Resolves with the stream's acknowledgement; may call `next` again (the same message, so the
 * same id: the stream stores it once) or not at all.
 */
export type OutboundInterceptor = (outgoing: Outgoing, next: NextSend) => Promise<Published>;

/** The interceptors a bus is made with (`connectBus({ …, interceptors })`). */
export interface BusInterceptors {
  /** Around every send, first one outermost. */
  outbound?: readonly OutboundInterceptor[];
}

/**
 * Composes `interceptors` around `last`: the first interceptor is the outermost (it runs first
 * and sees the final outcome). Returns `last` itself when there are none.
 */
export function chain<I, O>(interceptors: readonly ((input: I, next: (input: I) => Promise<O>) => Promise<O>)[], last: (input: I) => Promise<O>): (input: I) => Promise<O> {
  let next = last;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i]!;
    const inner = next;
    next = (input) => interceptor(input, inner);
  }
  return next;
}

/**
 * The handler set with `interceptors` around each handler, composed once per type. Returns
 * `handlers` itself when there are no interceptors.
 */
export function interceptHandlers(handlers: Handlers, interceptors: readonly InboundInterceptor[] | undefined): Handlers {
  if (!interceptors?.length) return handlers;
  const out: Partial<Record<MessageType, Handler<MessageType>>> = {};
  for (const type of Object.keys(handlers) as MessageType[]) {
    const handler = handlers[type] as Handler<MessageType> | undefined;
    if (!handler) continue;
    // A handler may be synchronous: the chain always sees a promise (and a synchronous throw as a rejection).
    out[type] = chain(interceptors, async (delivery) => {
      await handler(delivery);
    });
  }
  return out as Handlers;
}
