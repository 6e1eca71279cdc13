/** Footprint child: plain nats.js (transport-node + jetstream), publishing the same bytes. */
import { jetstream } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { probe, serveProbe } from "./probe.ts";

serveProbe(async (req) => {
  const nc = await connect({ servers: req.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(req.seed)), inboxPrefix: req.inboxPrefix, noAsyncTraces: true });
  const js = jetstream(nc, { timeout: 5_000 });
  const body = Buffer.from(req.bodyBase64!, "base64");
  const report = await probe(req, () => js.publish(req.subject!, body));
  await nc.close();
  return report;
});
