/**
 * reports/ — the monthly availability and SLA report a network center hands its leadership:
 * computed from the stored 5-minute reachability through the MetricsStore, rendered as CSV, XLSX
 * or PDF (printed by Chromium from the HTML report).
 */
export { buildMonthlyReport, type ReportInput } from './build-report';
export { parseMonth, formatLocal, type ReportPeriod } from './period';
export { readSilences } from './alert-db-silences';
export { renderCsv } from './render-csv';
export { reportTables, type Cell, type Label, type ReportTable } from './tables';
export type { SecuritySection } from './security';
export { renderXlsx } from './render-xlsx';
export { renderHtml } from './render-html';
export { renderPdf, type PdfOptions } from './render-pdf';
export type {
  AvailabilityFigures,
  CountyRow,
  GroupRow,
  LinkRow,
  MonthlyReport,
  NodeRow,
  Outage,
} from './types';
