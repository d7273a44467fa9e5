/**
 * Who logs in to the simulated devices in normal times: the network centre's operators, from its
 * management stations, in the same /24 as the root node's management address (so inside the
 * management subnets the security rules trust), on addresses no inventory node uses.
 */
import type { InventoryNode } from '../../domain';

export const OPERATORS = ['zhangwei', 'liming', 'wangfang', 'noc-ops'] as const;

export interface ManagementSide {
  stations: string[];
  ntpServer: string;
}

const FALLBACK: ManagementSide = {
  stations: ['10.0.0.200', '10.0.0.201', '10.0.0.202'],
  ntpServer: '10.0.0.250',
};

export function managementSide(nodes: readonly Pick<InventoryNode, 'address' | 'parent'>[]): ManagementSide {
  const root = nodes.find((n) => n.parent === null) ?? nodes[0];
  const match = root ? /^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/.exec(root.address) : null;
  if (!match) return FALLBACK;
  const prefix = match[1] as string;
  const used = new Set(nodes.map((n) => n.address));
  const free: string[] = [];
  for (let last = 200; last <= 254 && free.length < 4; last++)
    if (!used.has(`${prefix}.${last}`)) free.push(`${prefix}.${last}`);
  if (free.length < 4) return FALLBACK;
  return { stations: free.slice(0, 3), ntpServer: free[3] as string };
}
