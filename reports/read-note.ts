/**
 * The report's note on where its availability was read from (`MonthlyReport.reachabilityRead`):
 * said on the XLSX cover and the printed page, so a report built from the 5-minute rollups because
 * the daily rollup lacked days (an install from before it) says so.
 */
import type { ReachabilityRead } from './types';

export function readNote(read: ReachabilityRead): string {
  const daily = `日汇总 daily rollup: ${read.dailyRollupDays} 天 days`;
  if (read.fiveMinuteDays === 0) return daily;
  return (
    `${daily}; 日汇总缺失，改读5分钟汇总 daily rollup missing, read from the 5-minute rollups: ` +
    `${read.fiveMinuteDays} 天 days (UTC)`
  );
}
