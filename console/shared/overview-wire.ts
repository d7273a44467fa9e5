/**
 * GET /api/overview as it travels: the overview model (overview.ts) with each alert sent once and
 * only the non-zero status counts, so a province's grid of ~360 areas stays small. `unpackOverview`
 * gives back exactly the model the browser computes itself once it is live.
 */
import type { Alert } from '../../domain';
import { NODE_STATUSES, type NodeStatus } from './node-status';
import type { AreaCell, CityRow, OverviewFault, OverviewModel, TierZoneCell } from './overview';
import type { StatusGroup } from './status-rollup';
import { emptyCounts } from './status-rollup';

/** A status group on the wire: counts without zeros, the worst alert by id (see `alerts`). */
export interface StatusGroupWire extends Omit<StatusGroup, 'counts' | 'worstAlert'> {
  counts: Partial<Record<NodeStatus, number>>;
  worstAlert: string | null;
}

export interface OverviewFaultWire extends Omit<OverviewFault, 'alert'> {
  alert: string | null;
}

/**
 * GET /api/overview: the overview's tables for the caller's subtree, computed on the server with the
 * browser's own rules (node-status.ts, status-rollup.ts, overview.ts), a few KB compressed: the page
 * draws from it before the topology and the live state (megabytes at province scale) arrive.
 */
export interface OverviewResponse {
  network: { id: string; name: string };
  /** As in TopologyResponse: the network's local time, minutes east of UTC. */
  utcOffsetMin: number;
  /** When the server computed it (server clock): the page shows how old it is. */
  serverTimeMs: number;
  nodeCount: number;
  /** Worst first, at most `faultLimit` (default 100) of them. */
  faults: OverviewFaultWire[];
  faultCount: number;
  rows: Array<
    Omit<CityRow, 'group' | 'cells'> & {
      group: StatusGroupWire;
      cells: Array<Omit<AreaCell, 'group'> & { group: StatusGroupWire }>;
    }
  >;
  matrix: {
    tiers: OverviewModel['matrix']['tiers'];
    zones: OverviewModel['matrix']['zones'];
    cells: Array<Omit<TierZoneCell, 'group'> & { group: StatusGroupWire }>;
  };
  /** Every alert named above, once. */
  alerts: Alert[];
}

export type OverviewHeader = Pick<OverviewResponse, 'network' | 'utcOffsetMin' | 'serverTimeMs'>;

export function packOverview(model: OverviewModel, header: OverviewHeader): OverviewResponse {
  const alerts = new Map<string, Alert>();
  const ref = (alert: Alert | null): string | null => {
    if (alert === null) return null;
    alerts.set(alert.id, alert);
    return alert.id;
  };
  const group = (g: StatusGroup): StatusGroupWire => ({
    ...g,
    counts: Object.fromEntries(NODE_STATUSES.filter((s) => g.counts[s] > 0).map((s) => [s, g.counts[s]])),
    worstAlert: ref(g.worstAlert),
  });
  return {
    ...header,
    nodeCount: model.nodeCount,
    faults: model.faults.map((fault) => ({ ...fault, alert: ref(fault.alert) })),
    faultCount: model.faultCount,
    rows: model.rows.map((row) => ({
      ...row,
      group: group(row.group),
      cells: row.cells.map((cell) => ({ ...cell, group: group(cell.group) })),
    })),
    matrix: {
      ...model.matrix,
      cells: model.matrix.cells.map((cell) => ({ ...cell, group: group(cell.group) })),
    },
    alerts: [...alerts.values()],
  };
}

export function unpackOverview(wire: OverviewResponse): OverviewModel {
  const alerts = new Map(wire.alerts.map((alert) => [alert.id, alert]));
  const alertOf = (id: string | null): Alert | null => (id === null ? null : (alerts.get(id) ?? null));
  const group = (g: StatusGroupWire): StatusGroup => {
    const counts = emptyCounts();
    for (const status of NODE_STATUSES) counts[status] = g.counts[status] ?? 0;
    return { ...g, counts, worstAlert: alertOf(g.worstAlert) };
  };
  return {
    nodeCount: wire.nodeCount,
    faults: wire.faults.map((fault) => ({ ...fault, alert: alertOf(fault.alert) })),
    faultCount: wire.faultCount,
    rows: wire.rows.map((row) => ({
      ...row,
      group: group(row.group),
      cells: row.cells.map((cell) => ({ ...cell, group: group(cell.group) })),
    })),
    matrix: {
      ...wire.matrix,
      cells: wire.matrix.cells.map((cell) => ({ ...cell, group: group(cell.group) })),
    },
  };
}
