/**
 * Nodes grouped for the overview (city × county, tier × zone) and the wall: per group the count of
 * each status, the worst status and the worst alert, groups sorted worst first. The server's
 * GET /api/overview and the browser run these same functions.
 */
import type { Alert } from '../../domain';
import type { TopologyNodeView } from './index';
import {
  NODE_STATUSES,
  isFault,
  isWorseAlert,
  statusRank,
  type NodeStatus,
  type StatusIndex,
} from './node-status';

export interface StatusGroup {
  key: string;
  counts: Record<NodeStatus, number>;
  total: number;
  faults: number;
  worst: NodeStatus;
  worstAlert: Alert | null;
  /** The first node with the worst status: where a click on the group should lead. */
  worstNode: string | null;
}

export function emptyCounts(): Record<NodeStatus, number> {
  return Object.fromEntries(NODE_STATUSES.map((s) => [s, 0])) as Record<NodeStatus, number>;
}

export function rollUp(
  nodes: Iterable<TopologyNodeView>,
  keyOf: (node: TopologyNodeView) => string | null,
  status: StatusIndex,
): Map<string, StatusGroup> {
  const groups = new Map<string, StatusGroup>();
  for (const node of nodes) {
    const key = keyOf(node);
    if (key === null) continue;
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        key,
        counts: emptyCounts(),
        total: 0,
        faults: 0,
        worst: 'ok',
        worstAlert: null,
        worstNode: null,
      };
      groups.set(key, group);
    }
    const own = status.statusOf(node.id);
    group.counts[own]++;
    group.total++;
    if (isFault(own)) group.faults++;
    if (statusRank(own) < statusRank(group.worst) || group.worstNode === null) {
      if (statusRank(own) < statusRank(group.worst)) group.worst = own;
      if (own === group.worst) group.worstNode = node.id;
    }
    const alert = status.worstAlertOf(node.id);
    if (alert !== null && isWorseAlert(alert, group.worstAlert)) group.worstAlert = alert;
  }
  return groups;
}

/** One collator for every sort (localeCompare with a locale builds one per call). */
const byChineseName = new Intl.Collator('zh-CN');

/** Worst status first, then more faults, then the given tie-break (a name). */
export function worstFirst<T extends { group: StatusGroup }>(items: T[], name: (item: T) => string): T[] {
  return items.sort(
    (a, b) =>
      statusRank(a.group.worst) - statusRank(b.group.worst) ||
      b.group.faults - a.group.faults ||
      byChineseName.compare(name(a), name(b)),
  );
}

/** What walking up the tree reads of a node. */
export interface TreeNode {
  id: string;
  tier: string;
  parent: string | null;
}

/** Nodes by id: a Map, or anything that looks them up alike (the server's Topology through `find`). */
export interface NodeLookup<N extends TreeNode> {
  get(id: string): N | undefined;
}

/** County-level tiers: a 区 (district) is a county-level government as a 县 is. */
export const isCountyLevel = (tier: string): boolean => tier === 'county' || tier === 'district';

/**
 * The county (or district) a node belongs to, itself included; null above the county tier and for
 * an id `nodeById` does not know. A county is often a chain of county-tier devices (gateway → core
 * switch → MCU): the topmost one names it. The one rule for every "per county" the console shows:
 * the overview, the security events' counts and their county filter, server and browser alike.
 */
export function countyOf<N extends TreeNode>(id: string, nodeById: NodeLookup<N>): N | null {
  return topmostOfTier(id, nodeById, isCountyLevel);
}

export function cityOf<N extends TreeNode>(id: string, nodeById: NodeLookup<N>): N | null {
  return topmostOfTier(id, nodeById, (tier) => tier === 'city');
}

function topmostOfTier<N extends TreeNode>(
  id: string,
  nodeById: NodeLookup<N>,
  wanted: (tier: string) => boolean,
): N | null {
  let found: N | null = null;
  let node = nodeById.get(id);
  for (let guard = 0; node !== undefined && guard < 64; guard++) {
    if (wanted(node.tier)) found = node;
    else if (found !== null) break;
    node = node.parent === null ? undefined : nodeById.get(node.parent);
  }
  return found;
}

/** Display names from the top of the visible tree down to the node (the caller's scope root first). */
export function pathNamesOf(id: string, nodeById: ReadonlyMap<string, TopologyNodeView>): string[] {
  const path: string[] = [];
  let node = nodeById.get(id);
  for (let guard = 0; node !== undefined && guard < 64; guard++) {
    path.unshift(node.name);
    node = node.parent === null ? undefined : nodeById.get(node.parent);
  }
  return path;
}

/**
 * An area's short name from its head device's name: "淅川县政府内网路由器" → "淅川县", as tiles and
 * grid cells have room for; a name without an administrative suffix stays whole.
 */
export function areaName(deviceName: string): string {
  return /^(.{1,6}?[省市县区旗])/u.exec(deviceName)?.[1] ?? deviceName;
}
