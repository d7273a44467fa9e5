import type { NodeId, Tier } from '../domain';
import type { Topology } from '../inventory';

/** County-level tiers: a 区 (district) is a county-level government as a 县 is. */
const COUNTY_TIERS: ReadonlySet<Tier> = new Set<Tier>(['county', 'district']);

/**
 * The county a node belongs to: the topmost county-level node on its path from the root (a county's
 * router, switch and MCU all share the tier; the county is the subtree its uplink feeds). Null for
 * nodes above or outside every county.
 */
export function countyOf(topology: Topology, id: NodeId): NodeId | null {
  const path = [...topology.ancestors(id).reverse(), id];
  return path.find((nodeId) => COUNTY_TIERS.has(topology.node(nodeId).tier)) ?? null;
}
