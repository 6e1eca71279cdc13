/**
 * An organisation's credentials: its id, its user nkey seed (authenticates to NATS and signs
 * envelopes) and its curve seed (opens case content sealed to it). Stored as a 0600 JSON file.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { OrgId } from "../ids.ts";
import { SchakelError } from "../errors.ts";

export const OrgCredentials = z.object({
  org: OrgId,
  seed: z.string().regex(/^SU[A-Z2-7]{56}$/, "a user nkey seed (SU…)"),
  curveSeed: z.string().regex(/^SX[A-Z2-7]{56}$/, "a curve nkey seed (SX…)"),
});
export type OrgCredentials = z.infer<typeof OrgCredentials>;

/** Reads and validates a credentials file; says which file and field is wrong. */
export async function readCredentials(path: string): Promise<OrgCredentials> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new SchakelError("unknown-organisation", `cannot read credentials file ${path}: run "schakel up" (or "schakel identities generate") to create it`, { path }, { cause });
  }
  const parsed = OrgCredentials.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
    throw new SchakelError("unknown-organisation", `credentials file ${path} is invalid (${fields}); regenerate it with "schakel identities generate"`, { path });
  }
  return parsed.data;
}
