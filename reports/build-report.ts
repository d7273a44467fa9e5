import type { InventoryNode, NodeId, Silence } from '../domain';
import type { Topology } from '../inventory';
import type { LogStore } from '../logs';
import type { MetricsStore } from '../metrics';
import type { CertificateRecord } from '../pki';
import { BUCKET_S, timelinesOf, type NodeTimeline, type Readings } from './availability';
import { countyOf } from './county';
import { availabilityPct, figuresOf } from './figures';
import { maintenanceOf } from './maintenance';
import type { PlannedWork } from './planned-work';
import type { ReportPeriod } from './period';
import { buildPkiSection } from './pki-section';
import { buildSecuritySection } from './security';
import { buildSecurityAlertsSection, type AlertWithAck } from './security-alerts';
import { buildVideoSection } from './video';
import type { CountyRow, GroupRow, LinkRow, MonthlyReport, NodeRow } from './types';

export interface ReportInput {
  topology: Topology;
  store: MetricsStore;
  period: ReportPeriod;
  /** Maintenance windows and planned work (the alert engine's silences). */
  silences: readonly Silence[];
  /** Outages acknowledged as planned work (`plannedWorkOf` the period's alerts): maintenance too. */
  plannedWork?: readonly PlannedWork[];
  /** A county operator's report: only this subtree (ancestors are read to tell root causes apart). */
  scopeRoot?: NodeId;
  /** Adds the security section (event counts by county and category, top sources). */
  logStore?: LogStore;
  /**
   * Adds the security-alerts section: the period's security alerts with their first acknowledgement
   * (alerts/ `readSecurityAlerts`).
   */
  securityAlerts?: readonly AlertWithAck[];
  /** Adds the PKI section: the CA's certificate index (pki/ `readCertificateIndex` or `listCertificates`). */
  certificates?: readonly CertificateRecord[];
  nowMs?: number;
}

/** Media a carrier leases to us: reported against their SLA even when none is configured. */
const LEASED_MEDIA = new Set(['leased', 'hfc']);

/** Nodes per query: a province's month is read a slice at a time, never all its points at once. */
const NODES_PER_QUERY = 200;

async function readReachability(input: ReportInput, nodeIds: NodeId[]): Promise<Readings> {
  const { startMs, endMs } = input.period;
  const buckets = Math.ceil((endMs - startMs) / (BUCKET_S * 1000));
  const readings: Readings = new Map();
  for (let from = 0; from < nodeIds.length; from += NODES_PER_QUERY) {
    const series = await input.store.query({
      measurement: 'node',
      field: 'reachable',
      nodes: nodeIds.slice(from, from + NODES_PER_QUERY),
      startMs,
      endMs,
      stepS: BUCKET_S,
      aggregation: 'mean',
      groupBy: ['node'],
    });
    for (const one of series) {
      const node = one.tags.node;
      if (node === undefined || !input.topology.has(node)) continue;
      const means = new Float64Array(buckets).fill(Number.NaN);
      for (const [atMs, mean] of one.points) means[Math.floor((atMs - startMs) / (BUCKET_S * 1000))] = mean;
      readings.set(node, means);
    }
  }
  return readings;
}

function nodeRow(line: NodeTimeline, topology: Topology): NodeRow {
  const county = countyOf(topology, line.node.id);
  return {
    id: line.node.id,
    name: line.node.name,
    tier: line.node.tier,
    zone: line.node.zone,
    county,
    ...figuresOf(line),
  };
}

function countyRows(rows: NodeRow[], timelines: Map<NodeId, NodeTimeline>): CountyRow[] {
  return rows
    .filter((row) => row.county === row.id)
    .map((root) => {
      const members = rows.filter((row) => row.county === root.id);
      const line = timelines.get(root.id) as NodeTimeline;
      return {
        ...figuresOf(line),
        id: root.id,
        name: root.name,
        nodeCount: members.length,
        subtreeOutages: members.reduce((sum, row) => sum + row.outages, 0),
      };
    });
}

function groupRows(rows: NodeRow[], kind: 'tier' | 'zone'): GroupRow[] {
  const groups = new Map<string, GroupRow>();
  for (const row of rows) {
    const key = row[kind];
    const group = groups.get(key) ?? {
      kind,
      key,
      nodeCount: 0,
      measuredS: 0,
      ownDownS: 0,
      availabilityPct: null,
    };
    group.nodeCount += 1;
    group.measuredS += row.measuredS;
    group.ownDownS += row.ownDownS;
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => ({
    ...group,
    availabilityPct: availabilityPct(group.measuredS, group.ownDownS),
  }));
}

/** Leased uplinks: the child end's root-cause downtime is the link's (the device behind it included). */
function linkRows(topology: Topology, timelines: Map<NodeId, NodeTimeline>): LinkRow[] {
  const rows: LinkRow[] = [];
  for (const line of timelines.values()) {
    const link = topology.uplinkOf(line.node.id);
    if (link === null || (link.slaPct === undefined && !LEASED_MEDIA.has(link.medium))) continue;
    const figures = figuresOf(line);
    const slaPct = link.slaPct ?? null;
    rows.push({
      ...figures,
      id: link.id,
      medium: link.medium,
      parent: line.node.parent as NodeId,
      child: line.node.id,
      childName: line.node.name,
      slaPct,
      slaMet: slaPct === null || figures.availabilityPct === null ? null : figures.availabilityPct >= slaPct,
    });
  }
  return rows;
}

function scopeNodes(
  topology: Topology,
  scopeRoot: NodeId | undefined,
): {
  shown: InventoryNode[];
  read: InventoryNode[];
} {
  if (scopeRoot === undefined) return { shown: [...topology.nodes], read: [...topology.nodes] };
  const shown = [scopeRoot, ...topology.descendants(scopeRoot)].map((id) => topology.node(id));
  const above = topology.ancestors(scopeRoot).map((id) => topology.node(id));
  return { shown, read: [...above, ...shown] };
}

/** The month's availability and SLA report, from the stored 5-minute reachability. */
export async function buildMonthlyReport(input: ReportInput): Promise<MonthlyReport> {
  const { topology, period } = input;
  const { shown, read } = scopeNodes(topology, input.scopeRoot);
  const readings = await readReachability(
    input,
    read.map((node) => node.id),
  );
  const maintenance = maintenanceOf(input.silences, period.utcOffsetMin, input.plannedWork);
  const all = timelinesOf(read, (id) => topology.depth(id), readings, maintenance, period);
  const shownIds = new Set(shown.map((node) => node.id));
  const scope = input.scopeRoot === undefined ? null : shownIds;
  const timelines = new Map([...all].filter(([id]) => shownIds.has(id)));
  const nodes = [...timelines.values()].map((line) => nodeRow(line, topology));
  nodes.sort((x, y) => x.id.localeCompare(y.id));
  return {
    network: { id: topology.network.id, name: topology.network.name },
    period,
    scope:
      input.scopeRoot === undefined
        ? null
        : { root: input.scopeRoot, name: topology.node(input.scopeRoot).name },
    generatedAtMs: input.nowMs ?? Date.now(),
    nodes,
    counties: countyRows(nodes, timelines),
    groups: [...groupRows(nodes, 'tier'), ...groupRows(nodes, 'zone')],
    links: linkRows(topology, timelines).sort((x, y) => x.id.localeCompare(y.id)),
    outages: [...timelines.values()]
      .flatMap((line) => line.outages)
      .sort((x, y) => x.startMs - y.startMs || x.node.localeCompare(y.node)),
    security:
      input.logStore === undefined
        ? null
        : await buildSecuritySection({
            logStore: input.logStore,
            topology,
            period,
            ...(input.scopeRoot === undefined ? {} : { scope: shown.map((node) => node.id) }),
          }),
    video: await buildVideoSection({ store: input.store, topology, period, readings, shown: shownIds }),
    securityAlerts:
      input.securityAlerts === undefined
        ? null
        : buildSecurityAlertsSection({ alerts: input.securityAlerts, topology, scope }),
    pki:
      input.certificates === undefined
        ? null
        : buildPkiSection({ certificates: input.certificates, period, scope }),
  };
}
