/**
 * The digest of one stored message: SHA-256 over its headers (sorted by name, each value on its own
 * line) and its body. The same bytes come back from a consumer delivery and from STREAM.MSG.GET, so
 * a record can be checked against the stream later.
 */
import { createHash } from "node:crypto";
import type { StoredHeaders } from "@schakel/contracts/bus";

/** Header lines in a canonical order; values of a repeated header keep their order. */
function headerLines(h: StoredHeaders | undefined): string[] {
  if (!h) return [];
  return [...h.keys()].sort().flatMap((k) => h.values(k).map((v) => `${k}: ${v}`));
}

export function messageDigest(headers: StoredHeaders | undefined, body: Uint8Array): string {
  const hash = createHash("sha256");
  for (const line of headerLines(headers)) hash.update(line).update("\n");
  hash.update("\n");
  hash.update(body);
  return hash.digest("hex");
}

/** ISO time of a broker timestamp in nanoseconds (milliseconds kept, the rest dropped). */
export function storedAtOf(timestampNanos: number): string {
  return new Date(Math.floor(timestampNanos / 1e6)).toISOString();
}
