/**
 * One subtree (a county, or a county operator's whole scope) as a compact left-to-right tree: one
 * row per node, one column per tier, labels to the right of their node in the room the column
 * leaves, and the chain of parents above it to the left, greyed, with the subtree's uplink.
 */
import { hierarchy, tree } from 'd3-hierarchy';
import type { TopologyNodeView } from '../../../shared';
import type { Zone } from '../../../../domain';
import { buildVisibleTree, type PlacedNode, type TopologyLayout, type TreeDatum } from './topology-layout';

/** World units between rows and between tier columns (a column holds a node and its label). */
export const TREE_ROW = 26;
export const TREE_COLUMN = 250;

export function layoutSubtree(
  root: TopologyNodeView,
  childrenOf: ReadonlyMap<string, readonly TopologyNodeView[]>,
  collapsed: ReadonlySet<string>,
  zones: ReadonlySet<Zone> | null,
  /** The parents of `root`, nearest last (province, city): drawn greyed to its left. */
  ancestors: readonly TopologyNodeView[],
): TopologyLayout {
  const placed: PlacedNode[] = [];
  const indexById = new Map<string, number>();
  ancestors.forEach((node, i) => {
    indexById.set(node.id, placed.length);
    placed.push({
      id: node.id,
      x: -(ancestors.length - i) * TREE_COLUMN,
      y: 0,
      depth: i - ancestors.length,
      parent: i === 0 ? -1 : placed.length - 1,
      hidden: 0,
      context: true,
      node,
    });
  });
  const built = buildVisibleTree(root, childrenOf, collapsed, zones) ?? {
    node: root,
    children: [],
    hidden: 0,
    context: true,
  };
  const h = hierarchy<TreeDatum>(built, (d) => d.children);
  tree<TreeDatum>()
    .nodeSize([TREE_ROW, TREE_COLUMN])
    .separation(() => 1)(h);
  const rootIndexOffset = placed.length;
  h.each((n) => {
    const datum = n.data;
    if (datum.node === null) return;
    const parentDatum = n.parent?.data.node ?? null;
    const parent = parentDatum === null ? rootIndexOffset - 1 : (indexById.get(parentDatum.id) ?? -1);
    indexById.set(datum.node.id, placed.length);
    placed.push({
      id: datum.node.id,
      x: n.y ?? 0,
      y: n.x ?? 0,
      depth: n.depth,
      parent,
      hidden: datum.hidden,
      context: datum.context,
      node: datum.node,
    });
  });
  const radius = Math.max(TREE_COLUMN, ...placed.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y))));
  return { nodes: placed, indexById, radius, shape: 'tree' };
}

/** The parents of a node from the top down, as far as the caller can see them. */
export function ancestorsOf(id: string, nodeById: ReadonlyMap<string, TopologyNodeView>): TopologyNodeView[] {
  const chain: TopologyNodeView[] = [];
  let node = nodeById.get(id);
  for (let guard = 0; node?.parent != null && guard < 64; guard++) {
    const parent = nodeById.get(node.parent);
    if (parent === undefined) break;
    chain.unshift(parent);
    node = parent;
  }
  return chain;
}
