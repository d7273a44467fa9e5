/**
 * The daily reachability rollup both stores keep: per `node` series and UTC day, how many 5-minute
 * buckets had a reading (`count`) and the sum of their `reachable` means (`sum`). A day is wholly up
 * exactly when both equal the day's 288 buckets (a series has at most one rollup per bucket, every
 * mean is at most 1). Days are UTC days, aligned to the epoch like every bucket: a report in another
 * zone reads the UTC days that overlap its period and takes a day's buckets inside the period as up
 * only when the whole UTC day was (exact in any zone, DST included).
 */
export const DAILY_ROLLUP_MEASUREMENT = 'node';
export const DAILY_ROLLUP_FIELD = 'reachable';
export const DAY_S = 86_400;
export const DAY_MS = DAY_S * 1000;

/** The start of the UTC day holding `timeMs`. */
export function utcDayStart(timeMs: number): number {
  return Math.floor(timeMs / DAY_MS) * DAY_MS;
}
