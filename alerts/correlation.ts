import type { Topology } from '../inventory';
import type { Link, NodeId } from '../domain';

/**
 * Topology correlation as pure functions over the tree: which cut-off node is the root cause, and
 * which link is whose uplink. The engine feeds them its current view of what is down.
 */

/** The topmost node among `node` and its ancestors that is cut off, or null when none is. */
export function rootCauseOf(topology: Topology, node: NodeId, isCut: (id: NodeId) => boolean): NodeId | null {
  let root: NodeId | null = isCut(node) ? node : null;
  for (const ancestor of topology.ancestors(node)) if (isCut(ancestor)) root = ancestor;
  return root;
}

/** The node whose uplink this link is (the child end), or null for a link that is nobody's uplink. */
export function uplinkChild(topology: Topology, link: Link): NodeId | null {
  if (topology.find(link.b.node)?.parent === link.a.node) return link.b.node;
  if (topology.find(link.a.node)?.parent === link.b.node) return link.a.node;
  return null;
}

/** For a link end, the other end. */
export function otherEnd(link: Link, node: NodeId): NodeId {
  return link.a.node === node ? link.b.node : link.a.node;
}

/** The nodes cut off behind a root cause: everything below it in the tree. */
export function impactedBy(topology: Topology, root: NodeId): NodeId[] {
  const out: NodeId[] = [];
  const queue: NodeId[] = [...topology.children(root)];
  for (let index = 0; index < queue.length; index++) {
    const next = queue[index];
    if (next === undefined) break;
    out.push(next);
    queue.push(...topology.children(next));
  }
  return out;
}
