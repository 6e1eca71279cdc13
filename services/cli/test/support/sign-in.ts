/** Signing a person in at the command line in tests, as `schakel login` leaves it. */
import { writeSession } from "../../src/session/store.ts";

/** Writes an hour's session for `person` into the data folder `dataDir`. */
export function signInAt(dataDir: string, person: string): void {
  const now = Date.now();
  writeSession(dataDir, {
    person, issuer: "http://127.0.0.1:9/", clientId: "schakel-cli", accessToken: "test",
    signedInAt: new Date(now).toISOString(), expiresAt: new Date(now + 3_600_000).toISOString(),
  });
}
