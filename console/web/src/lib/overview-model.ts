/**
 * The overview's tables from the topology and live status: cities (worst first), each with its
 * counties and its city-level nodes (worst first), and the tier × zone matrix.
 */
import { TIERS, ZONES, type Tier, type Zone } from '../../../../domain';
import type { TopologyNodeView } from '../../../shared';
import type { StatusIndex } from './node-status';
import { areaName, cityOf, countyOf, rollUp, worstFirst, type StatusGroup } from './status-rollup';

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

export interface TierZoneMatrix {
  tiers: Tier[];
  zones: Zone[];
  cell: (tier: Tier, zone: Zone) => StatusGroup | undefined;
}

export function tierZoneMatrix(nodes: readonly TopologyNodeView[], status: StatusIndex): TierZoneMatrix {
  const groups = rollUp(nodes, (n) => `${n.tier}|${n.zone}`, status);
  const tiers = TIERS.filter((tier) => nodes.some((n) => n.tier === tier));
  const zones = ZONES.filter((zone) => nodes.some((n) => n.zone === zone));
  return { tiers, zones, cell: (tier, zone) => groups.get(`${tier}|${zone}`) };
}
