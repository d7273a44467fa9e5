import { SECURITY_CATEGORIES } from '../domain';
import { formatLocal } from './period';
import { hours, minutes, round, type Cell, type Label, type ReportTable } from './table-cells';
import { pkiTables } from './tables-pki';
import { securityAlertTables } from './tables-security-alerts';
import { videoTables } from './tables-video';
import type { AvailabilityFigures, MonthlyReport } from './types';

/** The report as tables, one model that CSV, XLSX and the HTML/PDF all render (zh-CN and English). */
export { bilingual, type Cell, type Label, type ReportTable, type TableKey } from './table-cells';

const FIGURE_COLUMNS: Label[] = [
  { zh: '可用率 %', en: 'Availability %' },
  { zh: '计入中断', en: 'Outages' },
  { zh: '中断时长 (分)', en: 'Down (min)' },
  { zh: 'MTTR (分)', en: 'MTTR (min)' },
  { zh: 'MTBF (时)', en: 'MTBF (h)' },
  { zh: '维护时间 (时)', en: 'Maintenance (h)' },
  { zh: '受上级影响 (分)', en: 'Impacted (min)' },
  { zh: '有数据时间 (时)', en: 'Measured (h)' },
];

function figureCells(row: AvailabilityFigures): Cell[] {
  return [
    round(row.availabilityPct, 3),
    row.outages,
    minutes(row.ownDownS),
    minutes(row.mttrS),
    hours(row.mtbfS),
    hours(row.maintenanceS),
    minutes(row.impactedS),
    hours(row.measuredS),
  ];
}

const yesNo = (value: boolean | null): Cell => (value === null ? null : value ? '达标 met' : '未达标 missed');

const CATEGORY_LABELS: Record<(typeof SECURITY_CATEGORIES)[number], Label> = {
  'auth-success': { zh: '登录成功', en: 'Sign-in' },
  'auth-failure': { zh: '登录失败', en: 'Failed sign-in' },
  command: { zh: '命令', en: 'Command' },
  'config-change': { zh: '配置变更', en: 'Config change' },
  'policy-deny': { zh: '策略拒绝', en: 'Policy deny' },
  attack: { zh: '攻击', en: 'Attack' },
  system: { zh: '系统', en: 'System' },
};

function securityTables(report: MonthlyReport): ReportTable[] {
  if (report.security === null) return [];
  return [
    {
      key: 'security',
      title: { zh: '安全事件（按县区与类别）', en: 'Security events by county and category' },
      columns: [
        { zh: '县区', en: 'County' },
        ...SECURITY_CATEGORIES.map((category) => CATEGORY_LABELS[category]),
        { zh: '合计', en: 'Total' },
      ],
      rows: report.security.byCounty.map((row) => [
        row.name,
        ...SECURITY_CATEGORIES.map((category) => row.counts[category]),
        row.total,
      ]),
    },
    {
      key: 'sources',
      title: { zh: '主要来源地址', en: 'Top source addresses' },
      columns: [
        { zh: '来源地址', en: 'Source address' },
        { zh: '事件数', en: 'Events' },
      ],
      rows: report.security.topSources.map((row) => [row.sourceAddress, row.count]),
    },
  ];
}

export function reportTables(report: MonthlyReport): ReportTable[] {
  return [
    ...availabilityTables(report),
    ...videoTables(report),
    ...securityTables(report),
    ...securityAlertTables(report),
    ...pkiTables(report),
  ];
}

function availabilityTables(report: MonthlyReport): ReportTable[] {
  const offset = report.period.utcOffsetMin;
  return [
    {
      key: 'counties',
      title: { zh: '县区可用率（以上联链路为准）', en: 'Counties (down when their uplink is)' },
      columns: [
        { zh: '县区', en: 'County' },
        { zh: '编号', en: 'Id' },
        { zh: '节点数', en: 'Nodes' },
        { zh: '辖区内中断', en: 'Outages in county' },
        ...FIGURE_COLUMNS,
      ],
      rows: report.counties.map((row) => [
        row.name,
        row.id,
        row.nodeCount,
        row.subtreeOutages,
        ...figureCells(row),
      ]),
    },
    {
      key: 'links',
      title: { zh: '租用链路 SLA', en: 'Leased links against their SLA' },
      columns: [
        { zh: '链路', en: 'Link' },
        { zh: '介质', en: 'Medium' },
        { zh: '下联节点', en: 'Child end' },
        { zh: 'SLA %', en: 'SLA %' },
        { zh: '是否达标', en: 'SLA met' },
        ...FIGURE_COLUMNS,
      ],
      rows: report.links.map((row) => [
        row.id,
        row.medium,
        row.childName,
        row.slaPct,
        yesNo(row.slaMet),
        ...figureCells(row),
      ]),
    },
    {
      key: 'groups',
      title: { zh: '按层级与网络', en: 'By tier and zone' },
      columns: [
        { zh: '分组', en: 'Group' },
        { zh: '值', en: 'Value' },
        { zh: '节点数', en: 'Nodes' },
        { zh: '可用率 %', en: 'Availability %' },
        { zh: '中断时长 (分)', en: 'Down (min)' },
      ],
      rows: report.groups.map((row) => [
        row.kind === 'tier' ? '层级 tier' : '网络 zone',
        row.key,
        row.nodeCount,
        round(row.availabilityPct, 3),
        minutes(row.ownDownS),
      ]),
    },
    {
      key: 'nodes',
      title: { zh: '节点可用率（根因计入）', en: 'Nodes (root causes counted)' },
      columns: [
        { zh: '节点', en: 'Node' },
        { zh: '编号', en: 'Id' },
        { zh: '层级', en: 'Tier' },
        { zh: '网络', en: 'Zone' },
        ...FIGURE_COLUMNS,
      ],
      rows: report.nodes.map((row) => [row.name, row.id, row.tier, row.zone, ...figureCells(row)]),
    },
    {
      key: 'outages',
      title: { zh: '中断清单', en: 'Outages' },
      columns: [
        { zh: '节点', en: 'Node' },
        { zh: '开始', en: 'Start' },
        { zh: '结束', en: 'End' },
        { zh: '时长 (分)', en: 'Duration (min)' },
        { zh: '类别', en: 'Kind' },
      ],
      rows: report.outages.map((outage) => [
        outage.nodeName,
        formatLocal(outage.startMs, offset),
        formatLocal(outage.endMs, offset),
        minutes(outage.downS),
        outage.planned ? '计划维护（不计入） planned, not counted' : '故障 outage',
      ]),
    },
  ];
}
