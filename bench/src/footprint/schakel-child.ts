/** Footprint child: the Schakel bus client publishing notices (validate, envelope, sign, ack). */
import type { InputOf } from "@schakel/contracts";
import { connectBus, KeyDirectory, OrgCredentials } from "@schakel/contracts/bus";
import { Directory } from "@schakel/contracts";
import { probe, serveProbe } from "./probe.ts";

serveProbe(async (req) => {
  const bus = await connectBus({ servers: req.url, credentials: OrgCredentials.parse(req.credentials), directory: new KeyDirectory(Directory.parse(req.directory)) });
  const data = req.data as InputOf<"notice.posted">;
  const report = await probe(req, () => bus.publish("notice.posted", data, { to: req.to! }));
  await bus.close();
  return report;
});
