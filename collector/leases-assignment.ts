import { createHash } from 'node:crypto';
import type { InventoryNode, NodeId } from '../domain';
import type { Topology } from '../inventory';

/** How collectors sharing one inventory divide it: node by node, by subtree, or by zone. */
export const SHARE_MODES = ['even', 'subtree', 'zone'] as const;
export type ShareMode = (typeof SHARE_MODES)[number];

/** A stable pseudo-random rank of a member for a key (rendezvous hashing): same answer on every collector. */
function rank(key: string, member: string): string {
  return createHash('sha256').update(`${key}\u0000${member}`).digest('hex');
}

const byRank = (key: string, members: readonly string[]) =>
  [...members].sort((a, b) => (rank(key, a) < rank(key, b) ? -1 : 1));

/**
 * The groups that move together: every node alone (`even`), each subtree under a top-level node
 * (a county with its departments; the top-level nodes each alone), or each zone.
 */
export function shareGroups(
  nodes: readonly InventoryNode[],
  topology: Topology,
  mode: ShareMode,
): Map<string, NodeId[]> {
  const groups = new Map<string, NodeId[]>();
  const keyOf = (node: InventoryNode): string => {
    if (mode === 'even') return node.id;
    if (mode === 'zone') return node.zone;
    const ancestors = topology.ancestors(node.id);
    // ancestors: nearest first; the top-level subtree is named by the node just below the root.
    return ancestors.length <= 1 ? node.id : (ancestors[ancestors.length - 2] ?? node.id);
  };
  for (const node of nodes) {
    const key = keyOf(node);
    groups.set(key, [...(groups.get(key) ?? []), node.id]);
  }
  return groups;
}

/**
 * Which member should poll which node. Every collector computes the same answer from the same
 * member list. Groups go largest first to the least loaded member (ties: rendezvous rank), and no
 * member takes more than its fair share of single nodes, so `even` is balanced to within one node.
 */
export function assignNodes(
  groups: ReadonlyMap<string, readonly NodeId[]>,
  members: readonly string[],
): Map<NodeId, string> {
  const assignment = new Map<NodeId, string>();
  if (members.length === 0) return assignment;
  const load = new Map(members.map((member) => [member, 0]));
  const ordered = [...groups].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1));
  for (const [key, nodes] of ordered) {
    const candidates = byRank(key, members);
    let chosen = candidates[0] ?? members[0] ?? '';
    for (const member of candidates) if ((load.get(member) ?? 0) < (load.get(chosen) ?? 0)) chosen = member;
    load.set(chosen, (load.get(chosen) ?? 0) + nodes.length);
    for (const node of nodes) assignment.set(node, chosen);
  }
  return assignment;
}
