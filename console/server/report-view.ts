/**
 * The monthly report (reports/) as the Reports page reads it: a summary, county figures and daily
 * downtime for the charts, and the report's own tables with each cell either data or a fixed word
 * in both languages (so the English page shows no Chinese words, and the zh-CN page no English).
 */
import { MEDIA, SEVERITIES, TIERS, ZONES, type NodeId } from '../../domain';
import { REVOCATION_REASONS } from '../../pki';
import type { Topology } from '../../inventory';
import { reportTables, type MonthlyReport, type ReportTable } from '../../reports';
import type {
  ReportCell,
  ReportCountyFigures,
  ReportDay,
  ReportLabel,
  ReportResponse,
  ReportSummary,
  ReportTableView,
} from '../shared';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * The report writes its fixed words as `中文 english` (e.g. `达标 met`), at most followed by a local
 * time (`已恢复 resolved 2026-11-03 10:00`); data never has that shape.
 */
const BILINGUAL_WORD = /^(\p{Script=Han}[^a-zA-Z]*?)\s+([a-z][a-z ,]*?)((?:\s+[\d:-]+)*)$/u;

/** Inventory, alert and CA words the report leaves as keys; the page names them in the reader's language. */
const KEY_WORDS: Record<string, ReportLabel> = {
  ...labelsOf(TIERS, {
    province: ['省', 'province'],
    city: ['市', 'city'],
    county: ['县', 'county'],
    district: ['区', 'district'],
    township: ['乡镇/街道', 'township'],
    department: ['部门', 'department'],
  }),
  ...labelsOf(ZONES, {
    internal: ['政务内网', 'internal'],
    external: ['政务外网', 'external'],
    public: ['公众信息网', 'public'],
    video: ['视频会议', 'video'],
  }),
  ...labelsOf(MEDIA, {
    fiber: ['光纤', 'fiber'],
    hfc: ['广电 HFC', 'HFC'],
    microwave: ['微波', 'microwave'],
    leased: ['租用专线', 'leased line'],
  }),
  ...labelsOf(SEVERITIES, {
    critical: ['严重', 'critical'],
    major: ['重要', 'major'],
    minor: ['次要', 'minor'],
    warning: ['警告', 'warning'],
    info: ['提示', 'info'],
  }),
  ...labelsOf(REVOCATION_REASONS, {
    unspecified: ['未指定', 'unspecified'],
    keyCompromise: ['密钥泄露', 'key compromise'],
    cACompromise: ['CA 泄露', 'CA compromise'],
    affiliationChanged: ['隶属关系变更', 'affiliation changed'],
    superseded: ['已被替换', 'superseded'],
    cessationOfOperation: ['停止运行', 'cessation of operation'],
    certificateHold: ['暂停使用', 'certificate hold'],
    removeFromCRL: ['从 CRL 移除', 'removed from CRL'],
    privilegeWithdrawn: ['权限撤销', 'privilege withdrawn'],
    aACompromise: ['属性机构泄露', 'AA compromise'],
  }),
};

function labelsOf<K extends string>(
  keys: readonly K[],
  names: Record<K, [string, string]>,
): Record<string, ReportLabel> {
  return Object.fromEntries(keys.map((key) => [key, { zh: names[key][0], en: names[key][1] }]));
}

function cellOf(cell: string | number | null, englishTexts: ReadonlyMap<string, string>): ReportCell {
  if (typeof cell !== 'string') return cell;
  const english = englishTexts.get(cell);
  if (english !== undefined) return { zh: cell, en: english };
  const known = KEY_WORDS[cell];
  if (known !== undefined) return known;
  const words = BILINGUAL_WORD.exec(cell);
  if (words === null) return cell;
  const time = words[3] ?? '';
  return { zh: `${words[1] as string}${time}`, en: `${words[2] as string}${time}` };
}

function tableView(table: ReportTable, englishTexts: ReadonlyMap<string, string>): ReportTableView {
  return {
    key: table.key,
    title: table.title,
    columns: table.columns,
    rows: table.rows.map((row) => row.map((cell) => cellOf(cell, englishTexts))),
  };
}

/**
 * Counties as an operator means them: the topmost county-tier node of each subtree (its router),
 * not the county's switch or MCU below it.
 */
function countyFigures(report: MonthlyReport, topology: Topology): ReportCountyFigures[] {
  const isRoot = (id: NodeId): boolean =>
    topology.has(id) && topology.ancestors(id).every((above) => topology.node(above).tier !== 'county');
  const rows = report.counties.filter((row) => isRoot(row.id));
  const subtreeOutages = (root: NodeId): number => {
    const members = new Set<string>([root, ...topology.descendants(root)]);
    return report.nodes.filter((node) => members.has(node.id)).reduce((sum, node) => sum + node.outages, 0);
  };
  return rows
    .map((row) => ({
      id: row.id,
      name: row.name,
      nodeCount: topology.descendants(row.id).length + 1,
      availabilityPct: row.availabilityPct,
      outages: row.outages,
      subtreeOutages: subtreeOutages(row.id),
      ownDownS: row.ownDownS,
      mttrS: row.mttrS,
    }))
    .sort(
      (x, y) =>
        (x.availabilityPct ?? 101) - (y.availabilityPct ?? 101) ||
        y.subtreeOutages - x.subtreeOutages ||
        x.id.localeCompare(y.id),
    );
}

/** Local days of the period; each outage's downtime spread over the days it spans, in proportion. */
function dailyDowntime(report: MonthlyReport, untilMs: number): ReportDay[] {
  const { startMs, endMs } = report.period;
  const days: ReportDay[] = [];
  for (let dayMs = startMs; dayMs < Math.min(endMs, untilMs); dayMs += DAY_MS)
    days.push({ startMs: dayMs, downS: 0, plannedS: 0, outages: 0 });
  for (const outage of report.outages) {
    const spanMs = Math.max(outage.endMs - outage.startMs, 1);
    const first = Math.max(0, Math.floor((outage.startMs - startMs) / DAY_MS));
    for (let index = first; index < days.length; index += 1) {
      const day = days[index] as ReportDay;
      const overlapMs = Math.min(outage.endMs, day.startMs + DAY_MS) - Math.max(outage.startMs, day.startMs);
      if (overlapMs <= 0) break;
      const share = (outage.downS * overlapMs) / spanMs;
      if (outage.planned) day.plannedS += share;
      else day.downS += share;
    }
    const startDay = days[first];
    if (!outage.planned && startDay !== undefined) startDay.outages += 1;
  }
  return days;
}

function summaryOf(report: MonthlyReport): ReportSummary {
  const measuredS = report.nodes.reduce((sum, node) => sum + node.measuredS, 0);
  const ownDownS = report.nodes.reduce((sum, node) => sum + node.ownDownS, 0);
  const counted = report.outages.filter((outage) => !outage.planned);
  const countedDownS = counted.reduce((sum, outage) => sum + outage.downS, 0);
  return {
    nodes: report.nodes.length,
    availabilityPct: measuredS > 0 ? (100 * (measuredS - ownDownS)) / measuredS : null,
    measuredS,
    ownDownS,
    outages: counted.length,
    plannedOutages: report.outages.length - counted.length,
    mttrS: counted.length > 0 ? countedDownS / counted.length : null,
    slaMet: report.links.filter((link) => link.slaMet === true).length,
    slaMissed: report.links.filter((link) => link.slaMet === false).length,
    slaUnknown: report.links.filter((link) => link.slaMet === null).length,
    securityEvents:
      report.security === null ? null : report.security.byCounty.reduce((sum, row) => sum + row.total, 0),
  };
}

/** `englishTexts`: data the report holds in zh-CN only (alert summaries) → its English. */
export function reportView(
  report: MonthlyReport,
  topology: Topology,
  englishTexts: ReadonlyMap<string, string> = new Map(),
): ReportResponse {
  const { period } = report;
  const toDate = report.generatedAtMs < period.endMs;
  // A day that has not begun yet is not drawn (whole minutes keep the last day's start).
  const untilMs = toDate ? Math.ceil(report.generatedAtMs / MINUTE_MS) * MINUTE_MS : period.endMs;
  return {
    month: period.month,
    startMs: period.startMs,
    endMs: period.endMs,
    toDate,
    utcOffsetMin: period.utcOffsetMin,
    network: report.network,
    scope: report.scope,
    generatedAtMs: report.generatedAtMs,
    hasData: report.nodes.some((node) => node.measuredS > 0),
    summary: summaryOf(report),
    counties: countyFigures(report, topology),
    days: dailyDowntime(report, untilMs),
    tables: reportTables(report).map((table) => tableView(table, englishTexts)),
  };
}
