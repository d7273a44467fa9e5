/**
 * The Reports page's place in the URL: #/reports (this month), #/reports/2026-11, and a county's
 * drill-down #/reports/2026-11/county/<id>. Months are the network's local calendar months.
 */

export interface ReportRoute {
  /** YYYY-MM; null: the current month. */
  month: string | null;
  county: string | null;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The router's param after #/reports/ (null for #/reports). */
export function parseReportRoute(param: string | null): ReportRoute {
  const [month, kind, ...rest] = (param ?? '').split('/');
  const county = kind === 'county' && rest.length > 0 ? rest.join('/') : null;
  return { month: month !== undefined && MONTH.test(month) ? month : null, county };
}

export function reportHref(month: string, county: string | null = null): string {
  return county === null ? `#/reports/${month}` : `#/reports/${month}/county/${encodeURIComponent(county)}`;
}

/** The month an instant falls in, in the network's local time. */
export function monthOf(atMs: number, utcOffsetMin: number): string {
  return new Date(atMs + utcOffsetMin * 60_000).toISOString().slice(0, 7);
}

/** The last `count` months up to and including `current`, newest first. */
export function recentMonths(current: string, count: number): string[] {
  const [year, month] = current.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, back) => {
    const index = year * 12 + (month - 1) - back;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
}
