import type { Alert, NodeId, Severity } from '../domain';
import type { Topology } from '../inventory';
import { countyOf } from './county';
import { percentile } from './percentiles';

/**
 * Security alerts of the month and how fast they were acknowledged, from the alert engine's state
 * (read through alerts/'s reader by whoever builds the report). Planned work (silences and outages
 * acknowledged as planned) is maintenance in the availability section, not here.
 */

/** One alert as the alert engine's reader returns it, with its first acknowledgement. */
export interface AlertWithAck {
  alert: Alert;
  firstAck: { by: string; atMs: number; comment: string } | null;
}

export interface AlertRuleRow {
  rule: string;
  /** null: the alert names no node in a county (or no node at all). */
  county: NodeId | null;
  countyName: string;
  count: number;
  acknowledged: number;
  /** Time from the alert's start to its first acknowledgement, seconds; null when none was acked. */
  medianAckS: number | null;
  p90AckS: number | null;
}

export interface UnacknowledgedAlert {
  id: string;
  rule: string;
  severity: Severity;
  node: NodeId | null;
  nodeName: string;
  countyName: string;
  summary: string;
  startsAtMs: number;
  /** null: still open when the report was built. */
  resolvedAtMs: number | null;
}

export interface SecurityAlertsSection {
  byRule: AlertRuleRow[];
  /** Every rule and county together. */
  total: Omit<AlertRuleRow, 'rule' | 'county' | 'countyName'>;
  unacknowledged: UnacknowledgedAlert[];
}

const OTHER = '其他 other';

function countyOfAlert(
  topology: Topology,
  node: NodeId | null,
): { county: NodeId | null; countyName: string } {
  const county = node === null || !topology.has(node) ? null : countyOf(topology, node);
  return county === null
    ? { county: null, countyName: OTHER }
    : { county, countyName: topology.node(county).name };
}

function ackFigures(alerts: readonly AlertWithAck[]): Omit<AlertRuleRow, 'rule' | 'county' | 'countyName'> {
  const ackS = alerts
    .flatMap(({ alert, firstAck }) =>
      firstAck === null ? [] : [Math.max(0, (firstAck.atMs - alert.startsAtMs) / 1000)],
    )
    .sort((x, y) => x - y);
  return {
    count: alerts.length,
    acknowledged: ackS.length,
    medianAckS: percentile(ackS, 50),
    p90AckS: percentile(ackS, 90),
  };
}

const inScope = (alert: Alert, scope: ReadonlySet<NodeId> | null): boolean =>
  scope === null ||
  (alert.node !== null && scope.has(alert.node)) ||
  alert.impacted.some((node) => scope.has(node));

export function buildSecurityAlertsSection(input: {
  alerts: readonly AlertWithAck[];
  topology: Topology;
  /** A scoped report's nodes: an alert counts when its node, or one it impacts, is among them. */
  scope: ReadonlySet<NodeId> | null;
}): SecurityAlertsSection {
  const alerts = input.alerts.filter(({ alert }) => inScope(alert, input.scope));
  const groups = new Map<
    string,
    { rule: string; county: NodeId | null; countyName: string; alerts: AlertWithAck[] }
  >();
  for (const entry of alerts) {
    const where = countyOfAlert(input.topology, entry.alert.node);
    const key = `${entry.alert.rule}\u0000${where.county ?? ''}`;
    const group = groups.get(key) ?? { rule: entry.alert.rule, ...where, alerts: [] };
    group.alerts.push(entry);
    groups.set(key, group);
  }
  const byRule = [...groups.values()]
    .map((group) => ({
      rule: group.rule,
      county: group.county,
      countyName: group.countyName,
      ...ackFigures(group.alerts),
    }))
    .sort(
      (x, y) =>
        x.rule.localeCompare(y.rule) ||
        (x.county === null ? 1 : 0) - (y.county === null ? 1 : 0) ||
        (x.county ?? '').localeCompare(y.county ?? ''),
    );
  const unacknowledged = alerts
    .filter(({ firstAck }) => firstAck === null)
    .map(({ alert }) => ({
      id: alert.id,
      rule: alert.rule,
      severity: alert.severity,
      node: alert.node,
      nodeName:
        alert.node !== null && input.topology.has(alert.node)
          ? input.topology.node(alert.node).name
          : (alert.node ?? '—'),
      countyName: countyOfAlert(input.topology, alert.node).countyName,
      summary: alert.summary,
      startsAtMs: alert.startsAtMs,
      resolvedAtMs: alert.resolvedAtMs,
    }));
  return { byRule, total: ackFigures(alerts), unacknowledged };
}
