/** Small helpers shared by the bus tests. */
import type { JetStreamManager } from "@nats-io/jetstream";
import { STREAMS } from "@schakel/contracts";
import { waitFor } from "@schakel/harness";

/** Reads every dead-letter record (admin view) as { reason, detail, body }. */
export async function deadLetters(jsm: JetStreamManager): Promise<{ subject: string; reason: string; detail: string; body: string }[]> {
  const info = await jsm.streams.info(STREAMS.deadletter.name);
  const out = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(STREAMS.deadletter.name, { seq }).catch(() => null);
    if (!m) continue;
    out.push({ subject: m.subject, reason: m.header.get("Schakel-Reason"), detail: m.header.get("Schakel-Detail"), body: new TextDecoder().decode(m.data) });
  }
  return out;
}

export async function waitForDeadLetters(jsm: JetStreamManager, count: number) {
  return waitFor(async () => {
    const dl = await deadLetters(jsm);
    return dl.length >= count ? dl : undefined;
  }, { timeoutMs: 15_000, what: `${count} dead letters` });
}
