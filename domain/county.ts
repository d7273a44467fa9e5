/**
 * Which county (县) or district (区) a node belongs to: the one rule for every "per county" egov-noc
 * shows — the console's overview and security events (server and browser), the asset register and
 * the monthly report. It walks up any tree of nodes: the inventory's Topology, or the console's
 * node views in a Map.
 */

/** What walking up the tree reads of a node. */
export interface TreeNode {
  id: string;
  tier: string;
  parent: string | null;
}

/** Nodes by id: a Map, or anything that looks them up alike (the server's Topology through `find`). */
export interface NodeLookup<N extends TreeNode> {
  get(id: string): N | undefined;
}

/** County-level tiers: a 区 (district) is a county-level government as a 县 is. */
export const isCountyLevel = (tier: string): boolean => tier === 'county' || tier === 'district';

/**
 * The county (or district) a node belongs to, itself included; null above the county tier and for
 * an id `nodeById` does not know. A county is often a chain of county-tier devices (gateway → core
 * switch → MCU): the topmost one names it.
 */
export function countyOf<N extends TreeNode>(id: string, nodeById: NodeLookup<N>): N | null {
  return topmostOfTier(id, nodeById, isCountyLevel);
}

export function cityOf<N extends TreeNode>(id: string, nodeById: NodeLookup<N>): N | null {
  return topmostOfTier(id, nodeById, (tier) => tier === 'city');
}

function topmostOfTier<N extends TreeNode>(
  id: string,
  nodeById: NodeLookup<N>,
  wanted: (tier: string) => boolean,
): N | null {
  let found: N | null = null;
  let node = nodeById.get(id);
  for (let guard = 0; node !== undefined && guard < 64; guard++) {
    if (wanted(node.tier)) found = node;
    else if (found !== null) break;
    node = node.parent === null ? undefined : nodeById.get(node.parent);
  }
  return found;
}
