import { renderCsv } from './render-csv';
import { renderPdf, type PdfOptions } from './render-pdf';
import { renderXlsx } from './render-xlsx';
import type { MonthlyReport } from './types';

export const REPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

export const isReportFormat = (text: string): text is ReportFormat =>
  (REPORT_FORMATS as readonly string[]).includes(text);

/** The report in one of its formats, as the bytes of a file. */
export async function renderReport(
  report: MonthlyReport,
  format: ReportFormat,
  pdf: PdfOptions = {},
): Promise<Buffer> {
  switch (format) {
    case 'csv':
      return Buffer.from(renderCsv(report), 'utf8');
    case 'xlsx':
      return renderXlsx(report);
    case 'pdf':
      return renderPdf(report, pdf);
  }
}
