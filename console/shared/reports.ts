/**
 * The monthly report as the console's Reports page reads it (GET /api/reports/:month): a summary,
 * the figures the charts draw, and every section of the report as bilingual tables (the report's
 * own table model, so a section added to the report appears on the page without a change here).
 */

/** A fixed word of the report in both languages; the page shows the current language's. */
export interface ReportLabel {
  zh: string;
  en: string;
}

/** A cell: data (names, ids, numbers, local times) or a fixed word in both languages. */
export type ReportCell = string | number | null | ReportLabel;

export interface ReportTableView {
  /** Stable key of the section, e.g. counties, links, nodes, outages, security. */
  key: string;
  title: ReportLabel;
  columns: ReportLabel[];
  rows: ReportCell[][];
}

/** One county (a county-tier subtree root): down when its uplink is. */
export interface ReportCountyFigures {
  id: string;
  name: string;
  nodeCount: number;
  /** Null: no readings in the month. */
  availabilityPct: number | null;
  /** Counted root-cause outages of the county's uplink/root. */
  outages: number;
  /** Counted root-cause outages anywhere in the county. */
  subtreeOutages: number;
  ownDownS: number;
  mttrS: number | null;
}

/** One local day of the period: root-cause downtime from the outage list. */
export interface ReportDay {
  /** Local midnight, epoch ms. */
  startMs: number;
  /** Counted (unplanned) root-cause downtime within the day, seconds. */
  downS: number;
  /** Downtime inside maintenance windows and planned work (not counted), seconds. */
  plannedS: number;
  /** Counted outages that began this day. */
  outages: number;
}

export interface ReportSummary {
  nodes: number;
  /** Network (or scope) availability: (measured − own down) / measured of all its nodes; null without readings. */
  availabilityPct: number | null;
  measuredS: number;
  ownDownS: number;
  outages: number;
  plannedOutages: number;
  /** Mean length of the counted outages, seconds. */
  mttrS: number | null;
  slaMet: number;
  slaMissed: number;
  /** Leased links without an SLA or without readings. */
  slaUnknown: number;
  /** Null: the report was built without a log store. */
  securityEvents: number | null;
}

/** GET /api/reports/:month[?county=ID] */
export interface ReportResponse {
  month: string;
  startMs: number;
  endMs: number;
  /** The current month: figures up to `generatedAtMs`, not a finished month. */
  toDate: boolean;
  utcOffsetMin: number;
  network: { id: string; name: string };
  /** The subtree the report covers (a county operator's, or a drill-down); null: the whole network. */
  scope: { root: string; name: string } | null;
  generatedAtMs: number;
  /** False when the store holds no reading of any node in the period. */
  hasData: boolean;
  summary: ReportSummary;
  /** County subtree roots, worst availability first. */
  counties: ReportCountyFigures[];
  days: ReportDay[];
  tables: ReportTableView[];
}

export const REPORT_FORMATS = ['csv', 'xlsx', 'pdf', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
