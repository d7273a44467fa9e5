import type { InventoryNode, NodeId } from '../domain';
import type { NodeMaintenance } from './maintenance';
import type { Outage } from './types';

export const BUCKET_S = 300;
const BUCKET_MS = BUCKET_S * 1000;

/** Mean of `reachable` per 5-minute bucket of the period, per node (NaN: no reading); what the rollups hold. */
export type Readings = Map<NodeId, Float64Array>;

/** Ancestors' state in a bucket, as seen by a node below them. */
const PATH_CLEAR = 0;
const PATH_CUT = 1;
const PATH_PLANNED = 2;

export interface NodeTimeline {
  node: InventoryNode;
  measuredS: number;
  maintenanceS: number;
  ownDownS: number;
  impactedS: number;
  outages: Outage[];
  /** Per bucket: what a child sees above it (PATH_*) through this node. */
  pathBelow: Uint8Array;
}

interface OpenRun {
  planned: boolean;
  startIndex: number;
  lastIndex: number;
  downS: number;
}

function closeRun(run: OpenRun, node: InventoryNode, startMs: number): Outage {
  return {
    node: node.id,
    nodeName: node.name,
    startMs: startMs + run.startIndex * BUCKET_MS,
    endMs: startMs + (run.lastIndex + 1) * BUCKET_MS,
    downS: run.downS,
    planned: run.planned,
  };
}

/**
 * One node's month, bucket by bucket: time with readings outside maintenance, downtime it caused
 * (root cause) or suffered because a node above it was down (impacted), and its outages.
 * `above` is the parent's timeline (null for a root or a parent without one).
 */
export function nodeTimeline(
  node: InventoryNode,
  readings: Float64Array | undefined,
  above: NodeTimeline | null,
  maintenance: NodeMaintenance,
  period: { startMs: number; endMs: number },
): NodeTimeline {
  const buckets = Math.ceil((period.endMs - period.startMs) / BUCKET_MS);
  const line: NodeTimeline = {
    node,
    measuredS: 0,
    maintenanceS: 0,
    ownDownS: 0,
    impactedS: 0,
    outages: [],
    pathBelow: new Uint8Array(buckets),
  };
  let run: OpenRun | null = null;
  const finish = (open: OpenRun | null): null => {
    if (open) line.outages.push(closeRun(open, node, period.startMs));
    return null;
  };
  for (let index = 0; index < buckets; index += 1) {
    const atMs = period.startMs + index * BUCKET_MS;
    const pathAbove = above?.pathBelow[index] ?? PATH_CLEAR;
    line.pathBelow[index] = pathAbove;
    const mean = readings?.[index] ?? Number.NaN;
    if (Number.isNaN(mean)) {
      run = finish(run);
      continue;
    }
    const downS = (1 - Math.min(1, Math.max(0, mean))) * BUCKET_S;
    const planned = pathAbove === PATH_PLANNED || maintenance(node, atMs);
    if (planned) line.maintenanceS += BUCKET_S;
    else line.measuredS += BUCKET_S;
    const impacted = !planned && pathAbove === PATH_CUT;
    if (impacted) line.impactedS += downS;
    else if (!planned) line.ownDownS += downS;
    if (downS > 0 && pathAbove === PATH_CLEAR) line.pathBelow[index] = planned ? PATH_PLANNED : PATH_CUT;
    // Down because a node above was down (planned or not): that node's outage, not this one's.
    if (downS === 0 || pathAbove !== PATH_CLEAR) {
      run = finish(run);
      continue;
    }
    if (run !== null && run.planned !== planned) run = finish(run);
    if (run === null) run = { planned, startIndex: index, lastIndex: index, downS: 0 };
    run.lastIndex = index;
    run.downS += downS;
  }
  finish(run);
  return line;
}

/** Timelines of the given nodes, parents before children (a parent outside the set counts as up). */
export function timelinesOf(
  nodes: readonly InventoryNode[],
  depthOf: (id: NodeId) => number,
  readings: Readings,
  maintenance: NodeMaintenance,
  period: { startMs: number; endMs: number },
): Map<NodeId, NodeTimeline> {
  const ordered = [...nodes].sort((x, y) => depthOf(x.id) - depthOf(y.id));
  const timelines = new Map<NodeId, NodeTimeline>();
  for (const node of ordered) {
    const above = node.parent === null ? null : (timelines.get(node.parent) ?? null);
    timelines.set(node.id, nodeTimeline(node, readings.get(node.id), above, maintenance, period));
  }
  return timelines;
}
