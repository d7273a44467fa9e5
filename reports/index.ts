/**
 * reports/ — the monthly report a network center hands its leadership: availability and SLA from
 * the stored 5-minute reachability through the MetricsStore, video conferences, security events and
 * alerts, certificates; rendered as CSV, XLSX or PDF (printed by Chromium from the HTML report), and
 * delivered every month by a schedule.
 */
export { buildMonthlyReport, type ReportInput } from './build-report';
export { parseMonth, formatLocal, type ReportPeriod } from './period';
export { plannedWorkOf, type PlannedWork } from './planned-work';
export { renderCsv } from './render-csv';
export type { SecuritySection } from './security';
export type {
  AlertWithAck,
  SecurityAlertsSection,
  AlertRuleRow,
  UnacknowledgedAlert,
} from './security-alerts';
export type { PkiSection, CertificateRow, RevokedRow, RenewedRow } from './pki-section';
export type { VideoSection, MeetingRow, MeetingDrop } from './video';
export type { Spread } from './percentiles';
export { reportTables, bilingual, type Cell, type Label, type ReportTable, type TableKey } from './tables';
export { renderXlsx } from './render-xlsx';
export { renderHtml } from './render-html';
export { renderPdf, type PdfOptions } from './render-pdf';
export {
  renderReport,
  isReportFormat,
  REPORT_FORMATS,
  CONTENT_TYPES,
  type ReportFormat,
} from './render-format';
export { dueReportMonth, type ReportDueTime } from './schedule-time';
export {
  startReportSchedule,
  type DeliveryOutcome,
  type ReportFile,
  type ReportPoster,
  type ReportSchedule,
  type ReportScheduleOptions,
  type ReportTarget,
  type RunOutcome,
} from './schedule';
export type {
  AvailabilityFigures,
  CountyRow,
  GroupRow,
  LinkRow,
  MonthlyReport,
  NodeRow,
  Outage,
  ReachabilityRead,
} from './types';
