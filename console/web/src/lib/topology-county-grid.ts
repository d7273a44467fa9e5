/**
 * The network at county level as blocks, one per city: the city's name on top, its counties and
 * city-level devices in a grid of cells below, each cell a node with its label inside it, so every
 * county is named and no label can cover another (a ring of ~340 collapsed counties cannot do both).
 * Blocks flow in rows sized to the map's aspect. Pure: same input, same picture.
 */
import type { TopologyNodeView } from '../../../shared';
import type { Zone } from '../../../../domain';
import {
  buildVisibleTree,
  type GridBlock,
  type PlacedNode,
  type TopologyLayout,
  type TreeDatum,
} from './topology-layout';

/** World units of one cell (node and label), a block's title row, and the gap between blocks. */
export const GRID_CELL_W = 132;
export const GRID_CELL_H = 22;
const HEAD_H = 26;
const GAP = 16;
/** The node's centre from the left of its cell. */
export const GRID_DOT_X = 9;

interface Group {
  head: TreeDatum;
  headParent: string | null;
  headDepth: number;
  /** Below the head, in tree order (each with its parent's node id). */
  members: Array<{ datum: TreeDatum; parentId: string | null; depth: number }>;
}

export function layoutCountyGrid(
  nodes: readonly TopologyNodeView[],
  childrenOf: ReadonlyMap<string, readonly TopologyNodeView[]>,
  collapsed: ReadonlySet<string>,
  zones: ReadonlySet<Zone> | null,
  /** Width over height of the map's free area: blocks flow in rows to fill it. */
  aspect = 2,
): TopologyLayout {
  const present = new Set(nodes.map((n) => n.id));
  const roots = nodes
    .filter((n) => n.parent === null || !present.has(n.parent))
    .map((r) => buildVisibleTree(r, childrenOf, collapsed, zones))
    .filter((r): r is TreeDatum => r !== null);
  const groups = groupByCity(roots);
  const plans = groups.map((g) => planColumns(g.members));
  const sizes = plans.map((plan) => ({
    w: Math.max(1, plan.length) * GRID_CELL_W,
    h:
      HEAD_H +
      (plan.some((c) => c.zone !== null) ? GRID_CELL_H : 0) +
      Math.max(0, ...plan.map((c) => c.cells.length)) * GRID_CELL_H,
  }));
  const perRow = bestPerRow(sizes, aspect);

  const out: GridOut = { placed: [], indexById: new Map(), labels: [], blocks: [] };
  let x = 0;
  let y = 0;
  let shelf = 0;
  groups.forEach((group, g) => {
    const size = sizes[g] ?? { w: GRID_CELL_W, h: HEAD_H };
    if (g > 0 && g % perRow === 0) {
      x = 0;
      y += shelf + GAP;
      shelf = 0;
    }
    placeBlock(out, group, plans[g] ?? [], { x, y, ...size });
    x += size.w + GAP;
    shelf = Math.max(shelf, size.h);
  });
  const width = Math.max(0, ...out.blocks.map((b) => b.x + b.w));
  const height = y + shelf;
  return {
    nodes: out.placed,
    indexById: out.indexById,
    radius: Math.max(width, height) / 2,
    shape: 'grid',
    grid: {
      cellW: GRID_CELL_W,
      cellH: GRID_CELL_H,
      blocks: out.blocks,
      labels: out.labels,
      bounds: [0, 0, width, height],
    },
  };
}

interface GridOut {
  placed: PlacedNode[];
  indexById: Map<string, number>;
  labels: string[];
  blocks: GridBlock[];
}

type Plan = Array<{ zone: Zone | null; cells: number[] }>;

/** One city's block at `at`: its title node, the zone captions, and each member in its cell. */
function placeBlock(
  out: GridOut,
  group: Group,
  plan: Plan,
  at: { x: number; y: number; w: number; h: number },
): void {
  const place = (datum: TreeDatum, parentId: string | null, depth: number, x: number, y: number) => {
    const node = datum.node;
    if (node === null) return;
    out.indexById.set(node.id, out.placed.length);
    out.placed.push({
      id: node.id,
      x,
      y,
      depth,
      parent: parentId === null ? -1 : (out.indexById.get(parentId) ?? -1),
      hidden: datum.hidden,
      context: datum.context,
      node,
    });
  };
  const head = out.placed.length;
  out.labels[head] = group.head.node?.name ?? '';
  place(group.head, group.headParent, group.headDepth, at.x + GRID_DOT_X, at.y + HEAD_H / 2);
  const captioned = plan.some((c) => c.zone !== null);
  const top = at.y + HEAD_H + (captioned ? GRID_CELL_H : 0);
  const texts = cellLabels(group.head.node?.name ?? '', group.members);
  // Members are placed in tree order (parents before children) whatever column they land in.
  const cellOf = new Map<number, { col: number; row: number }>();
  plan.forEach((column, col) => column.cells.forEach((m, row) => cellOf.set(m, { col, row })));
  group.members.forEach((member, m) => {
    const cell = cellOf.get(m) ?? { col: 0, row: 0 };
    out.labels[out.placed.length] = texts[m] ?? '';
    const x = at.x + cell.col * GRID_CELL_W + GRID_DOT_X;
    place(member.datum, member.parentId, member.depth, x, top + (cell.row + 0.5) * GRID_CELL_H);
  });
  const captionY = at.y + HEAD_H + GRID_CELL_H / 2;
  out.blocks.push({
    ...at,
    head,
    columns: captioned
      ? plan.map((c, col) => ({ zone: c.zone, x: at.x + col * GRID_CELL_W, y: captionY }))
      : [],
  });
}

/**
 * How many blocks a row holds so the map draws them largest in an area of `aspect` (width /
 * height): each count is tried, rows filled in order as drawn.
 */
function bestPerRow(sizes: ReadonlyArray<{ w: number; h: number }>, aspect: number): number {
  let best = { scale: 0, perRow: 1 };
  for (let perRow = 1; perRow <= sizes.length; perRow++) {
    const widths: number[] = [];
    let height = 0;
    for (let start = 0; start < sizes.length; start += perRow) {
      const row = sizes.slice(start, start + perRow);
      widths.push(row.reduce((sum, s) => sum + s.w + GAP, -GAP));
      height += Math.max(...row.map((s) => s.h)) + (start > 0 ? GAP : 0);
    }
    const width = Math.max(...widths);
    // How large it draws: limited by the width or by the height of the area.
    const scale = Math.min(Math.max(0.5, aspect) / width, 1 / height);
    if (scale > best.scale) best = { scale, perRow };
  }
  return best.perRow;
}

/** One group per city (the first city-tier node on each path) and one for what lies above them. */
function groupByCity(roots: readonly TreeDatum[]): Group[] {
  const above: Group[] = [];
  const cities: Group[] = [];
  const walk = (datum: TreeDatum, parentId: string | null, depth: number, group: Group | null) => {
    const node = datum.node;
    if (node === null) return;
    let into = group;
    if (node.tier === 'city' && (into === null || into.head.node?.tier !== 'city')) {
      into = { head: datum, headParent: parentId, headDepth: depth, members: [] };
      cities.push(into);
    } else if (into === null && above[0] === undefined) {
      into = { head: datum, headParent: parentId, headDepth: depth, members: [] };
      above.push(into);
    } else {
      into ??= above[0] ?? null;
      into?.members.push({ datum, parentId, depth });
    }
    for (const child of datum.children) walk(child, node.id, depth + 1, into);
  };
  for (const root of roots) walk(root, null, 0, null);
  return [...above, ...cities];
}

/**
 * A column per zone with at least two cells (政务外网 | 政务内网 …, at most three), captioned with
 * the zone, so a county's external gateway and internal router sit side by side under their zone;
 * zones with a single cell join the shortest column. Without two such zones: one or two plain columns.
 */
function planColumns(members: Group['members']): Plan {
  const byZone = new Map<Zone, number[]>();
  members.forEach((m, i) => {
    const zone = m.datum.node?.zone;
    if (zone !== undefined) byZone.set(zone, [...(byZone.get(zone) ?? []), i]);
  });
  const big = [...byZone.entries()].filter(([, cells]) => cells.length >= 2).slice(0, 3);
  if (big.length >= 2) {
    const columns: Plan = big.map(([zone, cells]) => ({
      zone,
      cells: [...cells],
    }));
    const inColumns = new Set(columns.flatMap((c) => c.cells));
    members.forEach((_, i) => {
      if (inColumns.has(i)) return;
      const shortest = columns.reduce((a, b) => (b.cells.length < a.cells.length ? b : a));
      shortest.cells.push(i);
    });
    return columns;
  }
  const all = members.map((_, i) => i);
  if (all.length <= 6) return [{ zone: null, cells: all }];
  const half = Math.ceil(all.length / 2);
  return [
    { zone: null, cells: all.slice(0, half) },
    { zone: null, cells: all.slice(half) },
  ];
}

/**
 * What each cell reads: the name without what it shares with its city's title ("广州市…") and
 * without the ending every device of its tier and role in its zone's column shares ("…政务网关路由器"), so
 * the part that tells counties apart fits the cell ("东城区"); the column's caption names the zone.
 * Never shorter than two characters; the full name is on hover and in the node card.
 */
function cellLabels(headName: string, members: Group['members']): string[] {
  const names = members.map((m) => m.datum.node?.name ?? '');
  const trimmed = names.map((name) => {
    const prefix = commonPrefix(name, headName);
    return prefix >= 2 && name.length - prefix >= 2 ? name.slice(prefix) : name;
  });
  const byRole = new Map<string, number[]>();
  members.forEach((m, i) => {
    const node = m.datum.node;
    const key = `${node?.tier ?? ''} ${node?.role ?? ''} ${node?.zone ?? ''}`;
    byRole.set(key, [...(byRole.get(key) ?? []), i]);
  });
  for (const indices of byRole.values()) {
    if (indices.length < 2) continue;
    const texts = indices.map((i) => trimmed[i] ?? '');
    const suffix = texts.reduce((n, text) => Math.min(n, commonSuffix(text, texts[0] ?? '')), Infinity);
    if (suffix < 2) continue;
    for (const i of indices) {
      const text = trimmed[i] ?? '';
      if (text.length - suffix >= 2) trimmed[i] = text.slice(0, text.length - suffix);
    }
  }
  return trimmed;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}
