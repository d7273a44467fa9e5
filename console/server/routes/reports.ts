/**
 * The monthly report on the console: GET /api/reports/:month (JSON for the Reports page) and
 * /export (CSV, XLSX, PDF, or the printable HTML the PDF is printed from). A county operator's
 * report is its subtree's, whatever it asks; `county` narrows a report to a subtree inside the scope.
 */
import { z } from 'zod';
import type { NodeId } from '../../../domain';
import {
  parseMonth,
  renderCsv,
  renderHtml,
  renderPdf,
  renderXlsx,
  type MonthlyReport,
  type ReportPeriod,
} from '../../../reports';
import { REPORT_FORMATS, type ReportFormat, type ReportResponse } from '../../shared';
import type { ServerContext } from '../context';
import { ApiFailure, notFound } from '../http/errors';
import { defineRoute, type Principal } from '../http/route';
import { reportCacheOf, type BuiltReport } from '../report-cache';
import { reportView } from '../report-view';

const CHINA_STANDARD_TIME_OFFSET_MIN = 480;

const countyField = z.string().min(1).max(128).describe('a node id: the report of its subtree');
const reportQuerySchema = z.object({ county: countyField.optional() });
const exportQuerySchema = z.object({ format: z.enum(REPORT_FORMATS), county: countyField.optional() });

/** The month in the network's local time; one that has not begun is refused, naming the field. */
function periodOf(text: string, ctx: ServerContext, nowMs: number): ReportPeriod {
  const parsed = parseMonth(text, ctx.alerts.rules?.settings.utcOffsetMin ?? CHINA_STANDARD_TIME_OFFSET_MIN);
  if (!parsed.ok) throw new ApiFailure(400, 'invalid_request', parsed.reason, 'month');
  if (parsed.period.startMs > nowMs)
    throw new ApiFailure(400, 'invalid_request', `month ${parsed.period.month} has not begun yet`, 'month');
  return parsed.period;
}

/** The subtree the caller gets: the one asked for, inside its scope; else its scope (null: all). */
function scopeRootOf(who: Principal, county: string | undefined): NodeId | null {
  const root = county ?? who.scope.root;
  if (root === null) return null;
  // Outside the scope, or a scope whose node has left the inventory: nothing to report.
  if (!who.scope.allowsNode(root)) throw notFound(`node "${root}"`);
  return root as NodeId;
}

async function reportFor(
  ctx: ServerContext,
  who: Principal,
  month: string,
  county: string | undefined,
): Promise<BuiltReport> {
  const period = periodOf(month, ctx, Date.now());
  const scopeRoot = scopeRootOf(who, county);
  try {
    return await reportCacheOf(ctx).get(period, scopeRoot);
  } catch (error) {
    ctx.log.error({ err: error, month: period.month, scopeRoot }, 'report build failed');
    throw new ApiFailure(
      503,
      'report_unavailable',
      'the metrics or log store did not answer while building the report; try again shortly',
    );
  }
}

/** One PDF at a time: each prints with its own Chromium. */
let printing: Promise<unknown> = Promise.resolve();
function printOneAtATime(report: MonthlyReport): Promise<Buffer> {
  const printed = printing.then(() => renderPdf(report));
  printing = printed.catch(() => undefined);
  return printed;
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
};

async function rendered(
  ctx: ServerContext,
  report: MonthlyReport,
  format: ReportFormat,
): Promise<string | Buffer> {
  switch (format) {
    case 'csv':
      return renderCsv(report);
    case 'xlsx':
      return renderXlsx(report);
    case 'pdf':
      try {
        return await printOneAtATime(report);
      } catch (error) {
        // Chromium missing or crashed: the server's problem, said plainly; the other formats still work.
        ctx.log.error({ err: error, month: report.period.month }, 'report PDF printing failed');
        throw new ApiFailure(
          503,
          'pdf_unavailable',
          'printing the PDF with Chromium failed (see the server log); CSV, XLSX and the printable page still work',
        );
      }
    case 'html':
      return renderHtml(report);
  }
}

function fileName(report: MonthlyReport, format: ReportFormat): string {
  const scope = report.scope === null ? '' : `-${report.scope.root.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return `egov-noc-report-${report.period.month}${scope}.${format}`;
}

export const reportRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/reports/:month',
    summary:
      'The monthly availability, SLA and security report (YYYY-MM, the network’s local time; the current month to date) of the caller’s scope, or of the subtree `county` inside it',
    tag: 'reports',
    permission: 'read',
    query: reportQuerySchema,
    returns: 'ReportResponse',
    handler: async ({ c, who, query, param }, ctx) => {
      const { report, englishTexts } = await reportFor(ctx, who, param('month'), query.county);
      const body: ReportResponse = reportView(report, ctx.topology, englishTexts);
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/reports/:month/export',
    summary:
      'The same report as a file: csv (one table), xlsx (a sheet per table), pdf (printed by Chromium, Chinese fonts embedded) or html (the printable page the PDF is printed from)',
    tag: 'reports',
    permission: 'read',
    query: exportQuerySchema,
    produces: 'application/pdf',
    returns: 'the report file',
    handler: async ({ c, who, query, param }, ctx) => {
      const { report } = await reportFor(ctx, who, param('month'), query.county);
      const content = await rendered(ctx, report, query.format);
      c.header('content-type', CONTENT_TYPES[query.format]);
      if (query.format === 'html')
        // The printable page carries only data and inline style: nothing may run or load.
        c.header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox",
        );
      else c.header('content-disposition', `attachment; filename="${fileName(report, query.format)}"`);
      return c.body(typeof content === 'string' ? content : new Uint8Array(content));
    },
  }),
];
