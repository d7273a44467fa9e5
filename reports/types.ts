import type { Medium, NodeId, Tier, Zone } from '../domain';
import type { ReportPeriod } from './period';
import type { PkiSection } from './pki-section';
import type { SecuritySection } from './security';
import type { SecurityAlertsSection } from './security-alerts';
import type { VideoSection } from './video';

/** One outage of a node (or of the uplink it hangs on): consecutive 5-minute buckets with downtime. */
export interface Outage {
  node: NodeId;
  nodeName: string;
  startMs: number;
  endMs: number;
  /** Seconds unreachable within [startMs, endMs) (a partly down bucket counts its share). */
  downS: number;
  /** Inside a maintenance window or planned work: shown, never counted. */
  planned: boolean;
}

/** What every row of availability carries; percentages are of the measured time outside maintenance. */
export interface AvailabilityFigures {
  /** Seconds with readings, outside maintenance. */
  measuredS: number;
  maintenanceS: number;
  /** Seconds down whose root cause is this node or its uplink (what counts against its owner). */
  ownDownS: number;
  /** Seconds down because a node above it was down (counted against that node, not this one). */
  impactedS: number;
  /** (measured − own down) / measured, percent; null without readings. */
  availabilityPct: number | null;
  /** Counted (unplanned) root-cause outages. */
  outages: number;
  /** Mean time to repair: mean duration of the counted outages, seconds. */
  mttrS: number | null;
  /** Mean time between failures: time up / counted outages, seconds. */
  mtbfS: number | null;
}

export interface NodeRow extends AvailabilityFigures {
  id: NodeId;
  name: string;
  tier: Tier;
  zone: Zone;
  /** The county (or district) the node belongs to: the topmost county-level node on its path. */
  county: NodeId | null;
}

/** A county is down when its uplink is: its figures are those of its root node. */
export interface CountyRow extends AvailabilityFigures {
  id: NodeId;
  name: string;
  nodeCount: number;
  /** Counted root-cause outages anywhere in the county, its root's included. */
  subtreeOutages: number;
}

export interface GroupRow {
  kind: 'tier' | 'zone';
  key: string;
  nodeCount: number;
  measuredS: number;
  ownDownS: number;
  availabilityPct: number | null;
}

export interface LinkRow extends AvailabilityFigures {
  id: string;
  medium: Medium;
  /** The parent end and the child end (the node the link is the uplink of). */
  parent: NodeId;
  child: NodeId;
  childName: string;
  slaPct: number | null;
  slaMet: boolean | null;
}

/**
 * How the month's reachability was read (`reachability-read.ts`): UTC days overlapping the period
 * whose wholly-up node-days came from the daily rollup, days the daily rollup held nothing for (an
 * install from before it: read from the 5-minute rollups, slower, same figures), and days with some
 * node read bucket by bucket.
 */
export interface ReachabilityRead {
  dailyRollupDays: number;
  fiveMinuteDays: number;
  detailDays: number;
}

export interface MonthlyReport {
  network: { id: string; name: string };
  period: ReportPeriod;
  /** The subtree a scoped report covers (a county operator's), or null for the whole network. */
  scope: { root: NodeId; name: string } | null;
  generatedAtMs: number;
  /** Where the availability figures were read from; `fiveMinuteDays` > 0 says the daily rollup lacked days. */
  reachabilityRead: ReachabilityRead;
  nodes: NodeRow[];
  counties: CountyRow[];
  groups: GroupRow[];
  links: LinkRow[];
  /** Every root-cause outage, planned ones included (marked), by start time. */
  outages: Outage[];
  /** From the log store; null when the report was built without one. */
  security: SecuritySection | null;
  /** Scheduled meetings on the video links in scope; null when none has a meeting. */
  video: VideoSection | null;
  /** From the alert engine's state; null when the report was built without it. */
  securityAlerts: SecurityAlertsSection | null;
  /** From the CA's certificate index; null when the report was built without it. */
  pki: PkiSection | null;
}
