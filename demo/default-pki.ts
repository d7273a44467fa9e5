import type { PkiConfig } from '../domain';
import type { Topology } from '../inventory';

/**
 * The CA hierarchy the demo assumes when an inventory has no `pki:` section (as `inventory generate`
 * writes none): a root named after the network and one branch issuing for the whole tree under the
 * network's domain, so the demo's certificates for the core routers have an issuer. An inventory that
 * names its own hierarchy keeps it.
 */
export function defaultPkiFor(topology: Topology): PkiConfig {
  const { network } = topology.inventory;
  return {
    root: { commonName: `${network.name}根CA`, organization: network.name, country: 'CN', validityYears: 20 },
    branches: [
      {
        id: `${network.id}-branch`,
        name: `${network.name}运维分中心`,
        commonName: `${network.name}运维分中心CA`,
        domains: [network.domain],
        subnets: addressBlocksOf(topology),
        subtrees: [...topology.roots],
        validityYears: 10,
      },
    ],
    publicBaseUrl: 'http://127.0.0.1:8080/pki',
  };
}

/** The /8 blocks the nodes' management addresses fall in: the branch may name every node's address. */
function addressBlocksOf(topology: Topology): string[] {
  const firstOctets = new Set(topology.nodes.map((node) => node.address.split('.')[0] ?? ''));
  return [...firstOctets].filter((octet) => octet !== '').map((octet) => `${octet}.0.0.0/8`);
}
