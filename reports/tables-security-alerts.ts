import type { Severity } from '../domain';
import { formatLocal } from './period';
import { minutes, type ReportTable } from './table-cells';
import type { MonthlyReport } from './types';

const SEVERITY_WORDS: Record<Severity, string> = {
  critical: '严重 critical',
  major: '重要 major',
  minor: '次要 minor',
  warning: '警告 warning',
  info: '提示 info',
};

/** Security alerts by rule and county with their time to acknowledge, and those never acknowledged. */
export function securityAlertTables(report: MonthlyReport): ReportTable[] {
  if (report.securityAlerts === null) return [];
  const offset = report.period.utcOffsetMin;
  const { byRule, total, unacknowledged } = report.securityAlerts;
  return [
    {
      key: 'alertsByRule',
      title: { zh: '安全告警与确认时长', en: 'Security alerts and time to acknowledge' },
      columns: [
        { zh: '规则', en: 'Rule' },
        { zh: '县区', en: 'County' },
        { zh: '告警数', en: 'Alerts' },
        { zh: '已确认', en: 'Acknowledged' },
        { zh: '确认时长中位数 (分)', en: 'Median to acknowledge (min)' },
        { zh: '确认时长 P90 (分)', en: 'p90 to acknowledge (min)' },
      ],
      rows: [
        ...byRule.map((row) => [
          row.rule,
          row.countyName,
          row.count,
          row.acknowledged,
          minutes(row.medianAckS),
          minutes(row.p90AckS),
        ]),
        [
          '合计 all',
          null,
          total.count,
          total.acknowledged,
          minutes(total.medianAckS),
          minutes(total.p90AckS),
        ],
      ],
    },
    {
      key: 'alertsUnacked',
      title: { zh: '未确认的安全告警', en: 'Security alerts never acknowledged' },
      columns: [
        { zh: '开始', en: 'Start' },
        { zh: '规则', en: 'Rule' },
        { zh: '级别', en: 'Severity' },
        { zh: '节点', en: 'Node' },
        { zh: '县区', en: 'County' },
        { zh: '状态', en: 'State' },
        { zh: '恢复时间', en: 'Resolved' },
        { zh: '摘要', en: 'Summary' },
      ],
      rows: unacknowledged.map((alert) => [
        formatLocal(alert.startsAtMs, offset),
        alert.rule,
        SEVERITY_WORDS[alert.severity],
        alert.nodeName,
        alert.countyName,
        alert.resolvedAtMs === null ? '未恢复 open' : '已恢复 resolved',
        alert.resolvedAtMs === null ? null : formatLocal(alert.resolvedAtMs, offset),
        alert.summary,
      ]),
    },
  ];
}
