/* Parts of object specs that more than one renderer writes. */

/** `spec.clusterNetwork` of a CAPI Cluster. */
export function clusterNetworkSpec(network: {
  podCidr: string;
  serviceCidr: string;
  serviceDomain: string;
}) {
  return {
    pods: { cidrBlocks: [network.podCidr] },
    services: { cidrBlocks: [network.serviceCidr] },
    serviceDomain: network.serviceDomain,
  };
}
