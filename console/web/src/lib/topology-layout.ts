/**
 * Where each node of the tree goes on the map: a radial tidy tree (d3-hierarchy's Reingold–Tilford
 * `tree` layout) with the top of the caller's scope in the centre and each tier on its own ring.
 * Pure: same input, same picture; collapsing a subtree or filtering by zone is a new layout.
 */
import { hierarchy, tree } from 'd3-hierarchy';
import type { TopologyNodeView } from '../../../shared';
import type { Zone } from '../../../../domain';

export interface PlacedNode {
  id: string;
  x: number;
  y: number;
  depth: number;
  /** Index of the parent in `nodes`, -1 for a root. */
  parent: number;
  /** Descendants hidden because this node is collapsed (0 when expanded or a leaf). */
  hidden: number;
  /** The zone filter excludes the node itself; it is drawn only as a path to matching descendants. */
  context: boolean;
  node: TopologyNodeView;
}

export interface TopologyLayout {
  nodes: PlacedNode[];
  indexById: Map<string, number>;
  radius: number;
  /**
   * Radial rings (the whole network), a left-to-right tree (one county, with its parents greyed), or
   * a block of cells per city (the network collapsed to counties).
   */
  shape: 'radial' | 'tree' | 'grid';
  /** The cells and blocks of a grid layout. */
  grid?: GridFrame;
}

/** A city's block of cells, in world units; `head` is the index of its title node. */
export interface GridBlock {
  x: number;
  y: number;
  w: number;
  h: number;
  head: number;
  /** Column captions (a zone per column), centred vertically on `y`; empty when uncaptioned. */
  columns: Array<{ zone: Zone | null; x: number; y: number }>;
}

export interface GridFrame {
  cellW: number;
  cellH: number;
  blocks: GridBlock[];
  /** The text of each node's cell, by node index (shortened where its block's title says the rest). */
  labels: string[];
  /** [minX, minY, maxX, maxY] of every block. */
  bounds: [number, number, number, number];
}

export interface TreeDatum {
  node: TopologyNodeView | null;
  children: TreeDatum[];
  hidden: number;
  context: boolean;
}

/** World units between neighbouring leaves on the outer ring. */
const LEAF_SPACING = 14;

export function layoutTopology(
  nodes: readonly TopologyNodeView[],
  childrenOf: ReadonlyMap<string, readonly TopologyNodeView[]>,
  collapsed: ReadonlySet<string>,
  zones: ReadonlySet<Zone> | null,
): TopologyLayout {
  const present = new Set(nodes.map((n) => n.id));
  const roots = nodes.filter((n) => n.parent === null || !present.has(n.parent));
  const builtRoots = roots
    .map((r) => buildVisibleTree(r, childrenOf, collapsed, zones))
    .filter((r): r is TreeDatum => r !== null);
  const top: TreeDatum =
    builtRoots.length === 1 && builtRoots[0] !== undefined
      ? builtRoots[0]
      : { node: null, children: builtRoots, hidden: 0, context: true };

  const root = hierarchy(top, (d) => d.children);
  const leaves = root.leaves().length;
  const maxDepth = Math.max(1, root.height);
  const radius = Math.max(220, (leaves * LEAF_SPACING) / (2 * Math.PI), maxDepth * 120);
  tree<TreeDatum>()
    .size([2 * Math.PI, radius])
    .separation((a, b) => (a.parent === b.parent ? 1 : 2) / Math.max(1, a.depth))(root);

  const placed: PlacedNode[] = [];
  const indexById = new Map<string, number>();
  const virtualRoot = top.node === null;
  root.each((h) => {
    const datum = h.data;
    if (datum.node === null) return;
    const angle = h.x ?? 0;
    const r = h.y ?? 0;
    const parentDatum = h.parent?.data.node ?? null;
    const parentIndex = parentDatum === null ? -1 : (indexById.get(parentDatum.id) ?? -1);
    indexById.set(datum.node.id, placed.length);
    placed.push({
      id: datum.node.id,
      x: virtualRoot || h.depth > 0 ? r * Math.sin(angle) : 0,
      y: virtualRoot || h.depth > 0 ? -r * Math.cos(angle) : 0,
      depth: virtualRoot ? h.depth - 1 : h.depth,
      parent: parentIndex,
      hidden: datum.hidden,
      context: datum.context,
      node: datum.node,
    });
  });
  return { nodes: placed, indexById, radius, shape: 'radial' };
}

/**
 * The tree as drawn from `node` down: collapsed subtrees become one node counting what they hide,
 * nodes outside the zone filter stay only as the path to matching descendants (context); null when
 * neither the node nor any descendant passes the filter.
 */
export function buildVisibleTree(
  node: TopologyNodeView,
  childrenOf: ReadonlyMap<string, readonly TopologyNodeView[]>,
  collapsed: ReadonlySet<string>,
  zones: ReadonlySet<Zone> | null,
  depth = 0,
): TreeDatum | null {
  const matches = zones === null || zones.has(node.zone);
  const kids = childrenOf.get(node.id) ?? [];
  if (collapsed.has(node.id) && kids.length > 0) {
    if (!matches && !subtreeHasZone(node, childrenOf, zones)) return null;
    return { node, children: [], hidden: countDescendants(node.id, childrenOf), context: !matches };
  }
  const children: TreeDatum[] = [];
  for (const kid of kids) {
    const built = depth > 64 ? null : buildVisibleTree(kid, childrenOf, collapsed, zones, depth + 1);
    if (built !== null) children.push(built);
  }
  if (!matches && children.length === 0) return null;
  return { node, children, hidden: 0, context: !matches };
}

function countDescendants(id: string, childrenOf: ReadonlyMap<string, readonly TopologyNodeView[]>): number {
  let count = 0;
  const stack = [...(childrenOf.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined) break;
    count++;
    for (const c of childrenOf.get(next.id) ?? []) stack.push(c);
  }
  return count;
}

function subtreeHasZone(
  node: TopologyNodeView,
  childrenOf: ReadonlyMap<string, readonly TopologyNodeView[]>,
  zones: ReadonlySet<Zone> | null,
): boolean {
  if (zones === null) return true;
  const stack = [node];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined) break;
    if (zones.has(next.zone)) return true;
    for (const c of childrenOf.get(next.id) ?? []) stack.push(c);
  }
  return false;
}

/** Nodes to collapse by default so a province-sized network opens at county level. */
export function defaultCollapsed(
  nodes: readonly TopologyNodeView[],
  childrenOf: ReadonlyMap<string, readonly TopologyNodeView[]>,
): Set<string> {
  return nodes.length <= 1500 ? new Set() : collapseBelowCounties(nodes, childrenOf);
}

/** Collapse every county (or district) subtree: the map shows province, cities and counties only. */
export function collapseBelowCounties(
  nodes: readonly TopologyNodeView[],
  childrenOf: ReadonlyMap<string, readonly TopologyNodeView[]>,
): Set<string> {
  const tierOf = new Map(nodes.map((n) => [n.id, n.tier]));
  const countyLike = (tier: string | undefined) => tier === 'county' || tier === 'district';
  return new Set(
    nodes
      .filter((n) => countyLike(n.tier) && (childrenOf.get(n.id)?.length ?? 0) > 0)
      .filter((n) => n.parent === null || !countyLike(tierOf.get(n.parent)))
      .map((n) => n.id),
  );
}
