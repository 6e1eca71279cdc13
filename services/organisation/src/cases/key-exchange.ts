/**
 * Handing a case's key to its participants without it ever being stored where it could be opened
 * again: each participant makes a one-time X25519 key for the exchange and asks the case's
 * municipality (`case.key.requested`); the municipality seals the case key to that one-time key
 * (`case.key.granted`); the participant opens it, keeps the case key in its case key folder and
 * destroys the one-time key. The grant stays in CASE (and in backups), but nobody can open it any
 * more: its only key is gone. Members' long-term keys never open a case key.
 */
import { CaseContent, caseLaw } from "@schakel/contracts";
import { caseKeyId, HandlerRefusal, open, seal, type Bus, type Delivery } from "@schakel/contracts/bus";
import type { CaseFile } from "../records.ts";
import { exchangePublicKey, type CaseKeyStore } from "./case-keys.ts";

const law = (c: Pick<CaseFile, "livc" | "compositionVersion">) => caseLaw(c.livc, c.compositionVersion, "consultation");

/** A participant that does not hold the key of a case it takes part in asks its municipality for it. */
export async function requestCaseKey(bus: Bus, store: CaseKeyStore, file: CaseFile): Promise<boolean> {
  if (file.livc === bus.org || store.get(file.caseRef) || file.erased) return false;
  const exchange = store.exchangeKey(file.caseRef);
  await bus.publish("case.key.requested", { caseRef: file.caseRef, ...law(file), exchangeKey: exchange.publicKey }, {
    to: file.livc, idempotencyKey: `case-key|${file.caseRef}|${exchange.publicKey}`,
  });
  return true;
}

/** The municipality grants its case's key to a participant that asked (sealed to its one-time key). */
export async function grantCaseKey(bus: Bus, store: CaseKeyStore, file: CaseFile | undefined, d: Delivery<"case.key.requested">): Promise<"granted" | "erased"> {
  const { data, envelope } = d;
  if (!file || file.livc !== bus.org || !file.participants.includes(envelope.sender)) {
    throw new HandlerRefusal(`case.key.requested ${envelope.id}: "${envelope.sender}" does not take part in case ${data.caseRef} of the LIVC-R of ${bus.org}`, {}, { reason: "not-a-member" });
  }
  const key = store.get(data.caseRef);
  if (!key) return "erased";
  const sealed = seal({ caseKey: key.key.toString("base64url") } satisfies CaseContent, [{ org: envelope.sender, key: exchangePublicKey(data.exchangeKey) }]);
  await bus.publish("case.key.granted", { caseRef: data.caseRef, ...law(file), participant: envelope.sender, keyId: key.id, sealed }, {
    to: envelope.sender, inReplyTo: envelope, idempotencyKey: `case-key-granted|${data.caseRef}|${envelope.sender}|${data.exchangeKey}`,
  });
  return "granted";
}

/** A participant keeps the granted key and destroys its one-time exchange key. */
export function receiveCaseKey(bus: Bus, store: CaseKeyStore, d: Delivery<"case.key.granted">): "kept" | "held" {
  const { data, envelope } = d;
  if (data.participant !== bus.org) throw new HandlerRefusal(`case.key.granted ${envelope.id} is for "${data.participant}", not "${bus.org}"`);
  const exchange = store.pendingExchange(data.caseRef);
  if (!exchange) {
    if (store.get(data.caseRef)?.id === data.keyId) return "held";
    throw new HandlerRefusal(`case.key.granted ${envelope.id}: "${bus.org}" has no exchange pending for case ${data.caseRef} (erased, or a grant of an earlier exchange)`);
  }
  const content = CaseContent.parse(open(data.sealed, bus.org, exchange));
  const key = Buffer.from(content.caseKey ?? "", "base64url");
  if (key.length !== 32 || caseKeyId(key) !== data.keyId) throw new HandlerRefusal(`case.key.granted ${envelope.id}: the sealed key does not match key id ${data.keyId}`);
  store.put(data.caseRef, { id: data.keyId, key });
  store.endExchange(data.caseRef);
  return "kept";
}
