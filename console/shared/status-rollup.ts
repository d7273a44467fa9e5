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
