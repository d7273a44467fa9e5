import { canBePlannedWork, type Alert, type NodeId } from '../domain';

/**
 * Outages an operator acknowledged as planned work (the carrier's announced fibre work, a planned
 * power cut): counted as maintenance for the node and everything behind it, like a maintenance
 * window, from the alert's start until it resolved.
 */
export interface PlannedWork {
  node: NodeId;
  startMs: number;
  /** The alert's resolution; an outage still open runs to the end of the period. */
  endMs: number;
  alertId: string;
}

/**
 * The alert is raised a poll or two after the node stopped answering: the planned window reaches back
 * one 5-minute bucket so the outage's first minutes are not counted against the node.
 */
const DETECTION_LEAD_MS = 5 * 60_000;

/** Planned work from the alerts that overlap a period (any kind: only planned outages count). */
export function plannedWorkOf(alerts: readonly Alert[], period: { endMs: number }): PlannedWork[] {
  return alerts
    .filter((alert) => alert.ack?.planned === true && canBePlannedWork(alert) && alert.node !== null)
    .map((alert) => ({
      node: alert.node as NodeId,
      startMs: alert.startsAtMs - DETECTION_LEAD_MS,
      endMs: alert.resolvedAtMs ?? period.endMs,
      alertId: alert.id,
    }));
}

/** Whether a 5-minute bucket starting at `atMs` overlaps planned work on the node. */
export function plannedAt(work: ReadonlyMap<NodeId, readonly PlannedWork[]>) {
  return (node: NodeId, atMs: number, bucketMs: number): boolean =>
    (work.get(node) ?? []).some((item) => atMs < item.endMs && atMs + bucketMs > item.startMs);
}

export function byNode(work: readonly PlannedWork[]): Map<NodeId, PlannedWork[]> {
  const grouped = new Map<NodeId, PlannedWork[]>();
  for (const item of work) grouped.set(item.node, [...(grouped.get(item.node) ?? []), item]);
  return grouped;
}
