/**
 * @schakel/harness — real nats-server processes for tests: single servers,
 * JetStream clusters and leaf-node pairs on random loopback ports, plus the
 * small polling/probing helpers the tests need; a secured, provisioned Schakel bus
 * (`startSchakelServer`) and admin reads of what it stored (`storedOfType`).
 */
export { startCluster } from "./cluster.ts";
export type { ClusterOptions, MetaLeader, NatsCluster } from "./cluster.ts";
export { freePort, freePorts, isPortTaken, withFreePorts } from "./free-port.ts";
export {
  leafConnections,
  startLeafHub,
  startLeafNode,
  startLeafPair,
  waitForLeafConnections,
} from "./leaf.ts";
export type { LeafHub, LeafNodeOptions, LeafPair } from "./leaf.ts";
export { fetchMonitor, readInfo } from "./probe.ts";
export type { ServerInfo } from "./probe.ts";
export { startServer } from "./server.ts";
export type { NatsServer, PortsFile, ServerOptions, StopOptions } from "./server.ts";
export { sleep, waitFor } from "./wait.ts";
export type { WaitOptions } from "./wait.ts";
export { startSchakelServer } from "./schakel.ts";
export { startSchakelLeaf } from "./schakel-leaf.ts";
export type { LeafConfigText, SchakelLeaf, SchakelLeafOptions } from "./schakel-leaf.ts";
export { startPrometheus, promtool, findPrometheusTool } from "./prometheus.ts";
export type { PrometheusServer, PrometheusOptions, Sample } from "./prometheus.ts";
export { storedMessages, storedOfType } from "./stored.ts";
export type { StoredMessage } from "./stored.ts";
export type { SchakelServer, SchakelServerOptions } from "./schakel.ts";
