/** Maps nats.js errors to Schakel errors that say what happened, where, and what to do. */
import { SchakelError } from "../errors.ts";
import { parseMessageSubject } from "../subjects.ts";

/** "notice.posted " for a live subject, "" otherwise (the subject is named anyway). */
function typeOf(subject: string): string {
  try {
    return `${parseMessageSubject(subject).type} `;
  } catch {
    return "";
  }
}

export function publishError(err: unknown, subject: string, org: string): SchakelError {
  if (err instanceof SchakelError) return err;
  const e = err as Error & { name?: string; code?: string };
  const text = `${e?.name ?? ""} ${e?.message ?? String(err)}`;
  if (/maximum payload|max_payload/i.test(text)) {
    return new SchakelError("payload-too-large", `message on ${subject} is larger than the server's max_payload: shorten the text or link to a document`, { subject }, { cause: err });
  }
  if (/message size exceeds maximum/i.test(text)) {
    return new SchakelError("payload-too-large", `${typeOf(subject)}on ${subject} is larger than the stream's max_msg_size: shorten the text or link to a document (or raise the stream limit in provisioning)`, { subject }, { cause: err });
  }
  if (/permissions? violation/i.test(text)) {
    return new SchakelError("not-allowed", `the broker refused "${org}" to publish on ${subject}: an organisation publishes only as itself`, { subject, org }, { cause: err });
  }
  if (/no responders|NoResponders|503/i.test(text)) {
    return new SchakelError("unreachable", `no stream stores ${subject}: provision the streams ("schakel up" does it) and try again`, { subject }, { cause: err });
  }
  if (/timeout/i.test(text)) {
    return new SchakelError("timeout", `no acknowledgement from JetStream for ${subject} in time; the message may or may not be stored — publish again with the same id to be sure`, { subject }, { cause: err });
  }
  if (/closed|disconnect|connection/i.test(text)) {
    return new SchakelError("unreachable", `cannot reach the bus to publish ${subject}: ${e?.message ?? err}; retry when it is back`, { subject }, { cause: err });
  }
  return new SchakelError("unreachable", `publishing ${subject} failed: ${e?.message ?? err}`, { subject }, { cause: err });
}
