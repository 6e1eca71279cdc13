/**
 * `npm run schemas:release -w @schakel/contracts [-- <type>…|envelope]`: snapshots the catalog's
 * current schema of each given type (default: every type, the envelope and the built-in glossary) as
 * contracts/schemas/<type>/v<N>.json (the envelope: contracts/schemas/envelope.json). Refuses,
 * with the reason, a change that would break readers; exits 1 then. Commit what it writes.
 */
import { MESSAGE_TYPES, isMessageType } from "../catalog.ts";
import { releaseEnvelope } from "./envelope.ts";
import { releaseGlossary } from "./glossary.ts";
import { planRelease } from "./history.ts";
import { currentSchemas, readSnapshots, snapshotPath, writeSnapshot } from "./snapshots.ts";

const args = process.argv.slice(2).filter((a) => a !== "--");
const withEnvelope = !args.length || args.includes("envelope");
const asked = args.filter((a) => a !== "envelope");
const unknown = asked.filter((t) => !isMessageType(t));
if (unknown.length) {
  console.error(`unknown message type(s): ${unknown.join(", ")}; known: ${MESSAGE_TYPES.join(", ")}`);
  process.exit(2);
}
const types = asked.length ? asked.filter(isMessageType) : args.length ? [] : MESSAGE_TYPES;
const current = currentSchemas(types);
const released = await readSnapshots();
let refused = 0;
for (const type of types) {
  const plan = planRelease(type, current, released);
  const file = snapshotPath(type, plan.version);
  if (plan.action === "refuse") {
    refused++;
    console.error(`refused   ${file}: ${plan.reason}`);
  } else if (plan.action === "unchanged") {
    console.log(`unchanged ${file}`);
  } else {
    await writeSnapshot(type, plan.version, current.get(type)!.schema);
    console.log(`${plan.action === "create" ? "released " : "refreshed"} ${file}${plan.action === "refresh" ? ` (${plan.note})` : ""}`);
  }
}
if (withEnvelope) {
  for (const [file, release] of [["envelope.json", releaseEnvelope], ["glossary.json", releaseGlossary]] as const) {
    const plan = await release();
    if (plan.action === "refuse") {
      refused++;
      console.error(`refused   ${file}: ${plan.reason}`);
    } else console.log(`${plan.action === "refreshed" ? "refreshed" : "unchanged"} ${file}`);
  }
}
process.exit(refused ? 1 : 0);
