/** Configuration of a nats-server cluster generated from the registry. */
export { ensureLinkSecret, linkSecretPath, LinkSecret, readLinkSecret } from "./link-secret.ts";
export { renderNodeConfig, supportsSyncAlways } from "./node-config.ts";
export type { NodeConfigOptions } from "./node-config.ts";
export {
  checkClusterPlan, renderClusterBlock, renderLeafListenBlock, renderClusterNodeConfig, loopbackClusterPlan, ROUTE_USER, CLUSTER_REPLICAS,
} from "./cluster-config.ts";
export type { ClusterNode, ClusterPlan, ClusterConfigOptions } from "./cluster-config.ts";
