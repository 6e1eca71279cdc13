/**
 * Attacks on identity rather than on subjects: connecting without a key, presenting B's public key
 * without B's seed, and pre-empting B's message in the shared duplicate window with a guessed id.
 */
import { connect, headers, type Authenticator } from "@nats-io/transport-node";
import { messageSubject, NATS_CONTROL_HEADERS, newMessageId, sampleData } from "@schakel/contracts";
import { connectionFailure } from "@schakel/contracts/bus";
import type { Attempt } from "./probe.ts";
import type { World } from "./world.ts";
import type { Attack } from "./attacks.ts";

async function refusedConnection(url: string, authenticator?: Authenticator): Promise<Attempt> {
  try {
    const nc = await connect({ servers: url, reconnect: false, ...(authenticator ? { authenticator } : {}) });
    await nc.close();
    return { denied: false, how: "connected" };
  } catch (err) {
    // By the error's class (nats.js's AuthorizationError), never by its text.
    const refused = connectionFailure(err)?.kind === "credentials-refused";
    return { denied: true, how: refused ? "Authorization Violation at connect" : `refused at connect (${(err as Error).name})` };
  }
}

/** The idempotency key B uses for its acknowledgement (the id is derived from it and B's seed). */
export const VICTIM_IDEMPOTENCY_KEY = "ack-of-notice-42";

export const IDENTITY_ATTACKS: Attack[] = [
  { area: "identity", attempt: () => "connect without credentials", run: (w) => refusedConnection(w.url) },
  {
    area: "identity", attempt: () => "connect presenting B's public key, signing with A's seed",
    run: (w) => refusedConnection(w.url, (nonce?: string) => ({ nkey: w.b.identity.publicKey, sig: w.a.identity.sign(new TextEncoder().encode(nonce ?? "")).toString("base64url") })),
  },
  {
    area: "dedupe", attempt: () => "pre-empt B's next message by publishing first with the Nats-Msg-Id A guesses for it",
    run: async (w) => {
      const guesses = [w.a.identity.derivedId(`notice.acknowledged|fed-ocam|${VICTIM_IDEMPOTENCY_KEY}`), newMessageId()];
      for (const id of guesses) {
        const h = headers();
        h.set(NATS_CONTROL_HEADERS.msgId, id);
        await w.aJs.publish(messageSubject("notice.posted", "all", w.attacker), JSON.stringify(sampleData("notice.posted")), { headers: h });
      }
      const ack = await w.b.publish("notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam", idempotencyKey: VICTIM_IDEMPOTENCY_KEY });
      return ack.duplicate
        ? { denied: false, how: "B's message was dropped as a duplicate" }
        : { denied: true, how: "B's message stored: its id is an HMAC keyed by B's seed, which A cannot compute" };
    },
  },
];
