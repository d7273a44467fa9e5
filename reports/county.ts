import { countyOf as countyInTree, type NodeId } from '../domain';
import type { Topology } from '../inventory';

/**
 * The county a node belongs to (domain/county.ts: the topmost county-level node of its chain, as
 * the console counts); null for nodes above or outside every county.
 */
export function countyOf(topology: Topology, id: NodeId): NodeId | null {
  return countyInTree(id, { get: (nodeId) => topology.find(nodeId) })?.id ?? null;
}
