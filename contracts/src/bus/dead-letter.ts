/**
 * Files a refused message in the dead-letter stream with its reason and original bytes, then
 * terminates it on its consumer. If the dead-letter stream does not take it, the message is NOT
 * terminated (it is redelivered later): nothing acknowledged is lost.
 */
import { headers as natsHeaders } from "@nats-io/transport-node";
import type { JsMsg } from "@nats-io/jetstream";
import { deadLetterSubject } from "../subjects.ts";
import type { Bus } from "./bus.ts";
import { HEADERS } from "./headers.ts";
import type { Rejection } from "./rejection.ts";

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, " ").slice(0, 1_000);

export async function deadLetter(bus: Bus, m: JsMsg, consumer: string, rejection: Rejection): Promise<boolean> {
  const h = natsHeaders();
  h.set(HEADERS.reason, rejection.reason);
  h.set(HEADERS.detail, oneLine(rejection.detail));
  h.set(HEADERS.sourceStream, m.info.stream);
  h.set(HEADERS.sourceSeq, String(m.seq));
  h.set(HEADERS.sourceSubject, oneLine(m.subject));
  h.set(HEADERS.consumer, consumer);
  for (const name of [HEADERS.signature, HEADERS.traceparent, HEADERS.replay] as const) {
    let value: string | undefined;
    try {
      value = m.headers?.get(name);
    } catch {
      value = undefined;
    }
    if (value) h.set(name, oneLine(value));
  }
  try {
    await bus.js.publish(deadLetterSubject(bus.org, rejection.reason), m.data, {
      headers: h,
      msgID: bus.identity.derivedId(`deadletter|${m.info.stream}|${m.seq}|${consumer}`),
    });
    m.term(`${rejection.reason}: ${oneLine(rejection.detail).slice(0, 200)}`);
    return true;
  } catch {
    m.nak(5_000);
    return false;
  }
}
