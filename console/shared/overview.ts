/**
 * The overview's tables from the topology and live status: the current faults worst first, cities
 * (worst first) each with its counties and its city-level nodes (worst first), and the tier × zone
 * matrix. Plain data, so the server can answer GET /api/overview with exactly what the browser
 * computes once the topology and the live state have arrived.
 */
import { cityOf, countyOf, TIERS, ZONES, type Alert, type Tier, type Zone } from '../../domain';
import type { TopologyNodeView } from './index';
import { isFault, statusRank, type NodeStatus, type StatusIndex } from './node-status';
import { areaName, pathNamesOf, rollUp, worstFirst, type StatusGroup } from './status-rollup';

export interface AreaCell {
  /** The node the cell drills into: the county, or the city for its city-level nodes. */
  id: string;
  name: string;
  /** Set when another cell of the city has the same name (a county's 政务内网 and 政务外网 trees). */
  zone: Zone | null;
  cityLevel: boolean;
  group: StatusGroup;
}

export interface CityRow {
  id: string;
  name: string;
  group: StatusGroup;
  cells: AreaCell[];
}

export interface Membership {
  /** The city of each node ('' above city level). */
  city: Map<string, string>;
  /** The county of each node, or `city:<id>` for a city's own nodes. */
  area: Map<string, string>;
}

export interface TierZoneCell {
  tier: Tier;
  zone: Zone;
  group: StatusGroup;
}

export interface TierZoneMatrix {
  tiers: Tier[];
  zones: Zone[];
  /** Only the tier × zone pairs that have nodes. */
  cells: TierZoneCell[];
}

/** A node with a fault of its own (not merely cut off behind another). */
export interface OverviewFault {
  id: string;
  name: string;
  /** Display names from the top of the caller's tree down to the node's parent. */
  path: string[];
  status: NodeStatus;
  /** Its worst open alert, if any. */
  alert: Alert | null;
}

export interface OverviewModel {
  /** Nodes in the caller's subtree. */
  nodeCount: number;
  /** Worst first; at most the limit asked for (see faultCount). */
  faults: OverviewFault[];
  faultCount: number;
  rows: CityRow[];
  matrix: TierZoneMatrix;
}

const TOP = '';

export function membershipOf(
  nodes: readonly TopologyNodeView[],
  nodeById: ReadonlyMap<string, TopologyNodeView>,
): Membership {
  const city = new Map<string, string>();
  const area = new Map<string, string>();
  for (const node of nodes) {
    const cityId = cityOf(node.id, nodeById)?.id ?? TOP;
    city.set(node.id, cityId);
    area.set(node.id, countyOf(node.id, nodeById)?.id ?? `city:${cityId}`);
  }
  return { city, area };
}

export function cityRows(
  nodes: readonly TopologyNodeView[],
  nodeById: ReadonlyMap<string, TopologyNodeView>,
  membership: Membership,
  status: StatusIndex,
  topName: string,
): CityRow[] {
  const byCity = rollUp(nodes, (n) => membership.city.get(n.id) ?? TOP, status);
  const byArea = rollUp(nodes, (n) => membership.area.get(n.id) ?? null, status);
  const cellsOf = new Map<string, AreaCell[]>();
  for (const group of byArea.values()) {
    const cityLevel = group.key.startsWith('city:');
    const id = cityLevel ? group.key.slice(5) : group.key;
    const cityId = cityLevel ? id : (membership.city.get(id) ?? TOP);
    const name = cityLevel ? '' : areaName(nodeById.get(id)?.name ?? id);
    const cells = cellsOf.get(cityId) ?? [];
    cells.push({ id: id === TOP ? '' : id, name, zone: null, cityLevel, group });
    cellsOf.set(cityId, cells);
  }
  const rows: CityRow[] = [...byCity.values()].map((group) => ({
    id: group.key,
    name: group.key === TOP ? topName : areaName(nodeById.get(group.key)?.name ?? group.key),
    group,
    cells: worstFirst(nameZones(cellsOf.get(group.key) ?? [], nodeById), (c) => c.name),
  }));
  return worstFirst(rows, (r) => r.name);
}

function nameZones(cells: AreaCell[], nodeById: ReadonlyMap<string, TopologyNodeView>): AreaCell[] {
  const seen = new Map<string, number>();
  for (const cell of cells) seen.set(cell.name, (seen.get(cell.name) ?? 0) + 1);
  return cells.map((cell) =>
    (seen.get(cell.name) ?? 0) > 1 && !cell.cityLevel
      ? { ...cell, zone: nodeById.get(cell.id)?.zone ?? null }
      : cell,
  );
}

export function tierZoneMatrix(nodes: readonly TopologyNodeView[], status: StatusIndex): TierZoneMatrix {
  const groups = rollUp(nodes, (n) => `${n.tier}|${n.zone}`, status);
  const tiers = TIERS.filter((tier) => nodes.some((n) => n.tier === tier));
  const zones = ZONES.filter((zone) => nodes.some((n) => n.zone === zone));
  const cells = tiers.flatMap((tier) =>
    zones.flatMap((zone) => {
      const group = groups.get(`${tier}|${zone}`);
      return group === undefined ? [] : [{ tier, zone, group }];
    }),
  );
  return { tiers, zones, cells };
}

export const tierZoneCell = (matrix: TierZoneMatrix, tier: Tier, zone: Zone): StatusGroup | undefined =>
  matrix.cells.find((cell) => cell.tier === tier && cell.zone === zone)?.group;

/** Nodes with a fault of their own, worst first (topology order within a status); cut-off nodes are not listed. */
export function faultsOf(
  nodes: readonly TopologyNodeView[],
  nodeById: ReadonlyMap<string, TopologyNodeView>,
  status: StatusIndex,
): OverviewFault[] {
  return nodes
    .flatMap((node) => {
      const own = status.statusOf(node.id);
      return isFault(own) && own !== 'impacted' ? [{ node, own }] : [];
    })
    .sort((a, b) => statusRank(a.own) - statusRank(b.own))
    .map(({ node, own }) => ({
      id: node.id,
      name: node.name,
      path: pathNamesOf(node.id, nodeById).slice(0, -1),
      status: own,
      alert: status.worstAlertOf(node.id),
    }));
}

export interface OverviewInput {
  /** The caller's nodes, in topology order. */
  nodes: readonly TopologyNodeView[];
  nodeById: ReadonlyMap<string, TopologyNodeView>;
  status: StatusIndex;
  /** The name of the row above city level (the network's name). */
  topName: string;
  /** Faults listed at most; the rest are only counted. */
  faultLimit?: number;
  membership?: Membership;
}

export function overviewOf(input: OverviewInput): OverviewModel {
  const { nodes, nodeById, status } = input;
  const faults = faultsOf(nodes, nodeById, status);
  return {
    nodeCount: nodes.length,
    faults: input.faultLimit === undefined ? faults : faults.slice(0, input.faultLimit),
    faultCount: faults.length,
    rows: cityRows(nodes, nodeById, input.membership ?? membershipOf(nodes, nodeById), status, input.topName),
    matrix: tierZoneMatrix(nodes, status),
  };
}
