import type { InventoryNode, NodeId, Silence } from '../domain';
import type { Topology } from '../inventory';
import type { LogStore } from '../logs';
import type { MetricsStore } from '../metrics';
import type { CertificateRecord } from '../pki';
import { timelinesOf, type NodeTimeline } from './availability';
import { countyOf } from './county';
import { availabilityPct, figuresOf } from './figures';
import { maintenanceOf } from './maintenance';
import { readReachability } from './reachability-read';
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
  /** false: read every day through the 5-minute rollups, not the daily rollup (to compare the two). */
  useDailyRollup?: boolean;
}

/** Media a carrier leases to us: reported against their SLA even when none is configured. */
const LEASED_MEDIA = new Set(['leased', 'hfc']);

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
  const readIds = read.map((node) => node.id);
  // The whole network is read without a node list (every series the store has, unknown ones dropped).
  const { readings, read: reachabilityRead } = await readReachability(
    input.store,
    period,
    input.scopeRoot === undefined ? undefined : readIds,
    new Set(readIds),
    { useDaily: input.useDailyRollup !== false },
  );
  const maintenance = maintenanceOf(input.silences, period.utcOffsetMin, input.plannedWork);
  const all = timelinesOf(read, (id) => topology.depth(id), readings, maintenance, period);
  const shownIds = new Set(shown.map((node) => node.id));
  const scope = input.scopeRoot === undefined ? null : shownIds;
  const timelines = new Map([...all].filter(([id]) => shownIds.has(id)));
  const nodes = [...timelines.values()].map((line) => nodeRow(line, topology));
  const generatedAtMs = input.nowMs ?? Date.now();
  nodes.sort((x, y) => x.id.localeCompare(y.id));
  return {
    network: { id: topology.network.id, name: topology.network.name },
    period,
    scope:
      input.scopeRoot === undefined
        ? null
        : { root: input.scopeRoot, name: topology.node(input.scopeRoot).name },
    generatedAtMs,
    reachabilityRead,
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
        : buildPkiSection({ certificates: input.certificates, period, scope, asOfMs: generatedAtMs }),
  };
}
