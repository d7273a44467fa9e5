/**
 * A county as a query filter: the nodes a caller may see in the county a county-level node names,
 * by the one county rule the product counts with (domain/county.ts), so a search for a
 * county finds exactly what the per-county counts counted.
 */
import type { InventoryNode, NodeId } from '../../domain';
import type { Topology } from '../../inventory';
import { countyOf, isCountyLevel, type NodeLookup } from '../shared';
import type { Scope } from './access';
import { ApiFailure, notFound } from './http/errors';

/** The inventory as countyOf walks it. */
export function inventoryLookup(topology: Topology): NodeLookup<InventoryNode> {
  return { get: (id) => topology.find(id) };
}

/** The county of a log line's node (null: city level, or an unknown sender). */
export function countyOfNode(topology: Topology, node: NodeId | null): InventoryNode | null {
  return node === null ? null : countyOf(node, inventoryLookup(topology));
}

/**
 * The caller's nodes in the county `id` belongs to: its topmost county-level node and everything
 * below whose county that is. `id` is a county- or district-tier node (usually the county's router).
 * A node the caller cannot see, or a county none of whose nodes it sees, is a 404 as an unknown node
 * is; a node the caller sees that is no county-level node is a 400 naming its tier.
 */
export function countyScope(topology: Topology, scope: Scope, id: string): NodeId[] {
  const node = topology.find(id);
  if (node === undefined || (!isCountyLevel(node.tier) && !scope.allowsNode(id)))
    throw notFound(`county "${id}"`);
  if (!isCountyLevel(node.tier))
    throw new ApiFailure(
      400,
      'invalid_request',
      `node "${id}" is a ${node.tier}-tier node, not a county: name a county- or district-tier node`,
      'county',
    );
  const county = countyOfNode(topology, node.id) ?? node;
  const members = [county.id, ...topology.descendants(county.id)].filter(
    (member) => scope.allowsNode(member) && countyOfNode(topology, member)?.id === county.id,
  );
  if (members.length === 0) throw notFound(`county "${id}"`);
  return members;
}
