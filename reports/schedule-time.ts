import { parseHhmm } from '../domain';

/** When the monthly report is due: day `dayOfMonth` (1–28) at `atLocal` (HH:MM), local time. */
export interface ReportDueTime {
  dayOfMonth: number;
  atLocal: string;
  utcOffsetMin: number;
}

const MINUTE_MS = 60_000;

const monthText = (year: number, monthIndex: number): string => {
  const date = new Date(Date.UTC(year, monthIndex, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
};

/**
 * The month whose report is due by `nowMs`: last month once this month's day and time have come,
 * else the month before it (due last month). A late start delivers the latest due month only.
 */
export function dueReportMonth(nowMs: number, due: ReportDueTime): string {
  const offsetMs = due.utcOffsetMin * MINUTE_MS;
  const local = new Date(nowMs + offsetMs);
  const year = local.getUTCFullYear();
  const monthIndex = local.getUTCMonth();
  const minuteOfDay = parseHhmm(due.atLocal) ?? 0;
  const dueMs = Date.UTC(year, monthIndex, due.dayOfMonth) + minuteOfDay * MINUTE_MS - offsetMs;
  return nowMs >= dueMs ? monthText(year, monthIndex - 1) : monthText(year, monthIndex - 2);
}
