/**
 * One status per node, the same everywhere the console shows it (overview grid, device table, wall
 * tiles, map) and the same on the server (GET /api/overview) as in the browser: a fault is counted
 * once — the root cause as down, the nodes cut off behind it as impacted, never both — and an open
 * alert outranks staleness.
 */
import { severityRank, type Alert, type Severity } from '../../domain';
import type { NodeLiveState } from './index';

export const NODE_STATUSES = [
  'down',
  'critical',
  'major',
  'minor',
  'warning',
  'info',
  'impacted',
  'stale',
  'unknown',
  'ok',
] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export const statusRank = (status: NodeStatus): number => NODE_STATUSES.indexOf(status);

/** Statuses an operator must look at: every one but ok, unknown and stale. */
export const isFault = (status: NodeStatus): boolean => statusRank(status) <= statusRank('impacted');

/**
 * Worse alerts first: more severe, then older, then the smaller id. A total order, so the server
 * and the browser pick the same alert whatever order they learnt the alerts in.
 */
export function compareAlerts(a: Alert, b: Alert): number {
  const bySeverity = severityRank(a.severity) - severityRank(b.severity);
  if (bySeverity !== 0) return bySeverity;
  if (a.startsAtMs !== b.startsAtMs) return a.startsAtMs - b.startsAtMs;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export const isWorseAlert = (candidate: Alert, current: Alert | null): boolean =>
  current === null || compareAlerts(candidate, current) < 0;

export interface StatusInputs {
  nodeState: ReadonlyMap<string, NodeLiveState>;
  /** Open alerts (firing or acknowledged); suppressed ones are skipped here. */
  openAlerts: Iterable<Alert>;
}

export interface StatusIndex {
  statusOf: (id: string) => NodeStatus;
  /** The worst open alert on the node itself (not suppressed). */
  worstAlertOf: (id: string) => Alert | null;
  isRootCause: (id: string) => boolean;
}

export function indexStatus(live: StatusInputs): StatusIndex {
  const rootCause = new Set<string>();
  const impacted = new Set<string>();
  const worstAlert = new Map<string, Alert>();
  for (const alert of live.openAlerts) {
    if (alert.node === null || alert.suppressedBy !== null) continue;
    if (alert.impacted.length > 0) {
      rootCause.add(alert.node);
      for (const id of alert.impacted) impacted.add(id);
    }
    if (isWorseAlert(alert, worstAlert.get(alert.node) ?? null)) worstAlert.set(alert.node, alert);
  }
  for (const state of live.nodeState.values()) {
    if (state.rootCauseAlertId !== null) rootCause.add(state.id);
    if (state.impactedBy !== null) impacted.add(state.id);
  }
  for (const id of rootCause) impacted.delete(id);

  const statusOf = (id: string): NodeStatus => {
    const state = live.nodeState.get(id);
    if (impacted.has(id)) return 'impacted';
    if (state?.reachability === 'unreachable') return 'down';
    const severity: Severity | null = worstAlert.get(id)?.severity ?? state?.worstSeverity ?? null;
    if (rootCause.has(id)) return 'critical';
    if (severity !== null) return severity;
    if (state?.stale === true) return 'stale';
    if (state === undefined || state.reachability === 'unknown') return 'unknown';
    return 'ok';
  };
  return {
    statusOf,
    worstAlertOf: (id) => worstAlert.get(id) ?? null,
    isRootCause: (id) => rootCause.has(id),
  };
}
