/**
 * The continuous query only resamples the last hour: after a spool replay, the 5-minute rollups of
 * replayed points older than that are computed by one-off queries, an hour per statement, and then
 * the daily reachability rollup of the days they fall in (`daily-backfill.ts`).
 */
import type { InfluxDB } from 'influx';
import type { Logger } from '../../common';
import { ROLLUP_STEP_S, type RetentionSettings } from '../retention';
import { errorText } from './client';
import { backfillDailyRollup } from './daily-backfill';
import { statementResults } from './influxql';
import { rollupSelect } from './schema';

export interface TimeRange {
  minMs: number;
  maxMs: number;
}

export interface BackfillTarget {
  influx: InfluxDB;
  database: string;
  retention: RetentionSettings;
  log: Logger;
}

const HOUR_MS = 3_600_000;
const STEP_MS = ROLLUP_STEP_S * 1000;

/** Widen `range` (or start one) to cover the points' times. */
export function extendRange(
  range: TimeRange | null,
  points: ReadonlyArray<{ timeMs: number }>,
): TimeRange | null {
  let extended = range;
  for (const point of points) {
    if (extended === null) extended = { minMs: point.timeMs, maxMs: point.timeMs };
    else {
      extended.minMs = Math.min(extended.minMs, point.timeMs);
      extended.maxMs = Math.max(extended.maxMs, point.timeMs);
    }
  }
  return extended;
}

/** Roll up the part of `replayed` older than the continuous query's window; failures are logged. */
export async function backfillRollups(
  target: BackfillTarget,
  replayed: TimeRange,
  nowMs: number,
): Promise<void> {
  const resampleStartMs = Math.floor((nowMs - HOUR_MS) / STEP_MS) * STEP_MS;
  if (replayed.minMs >= resampleStartMs) return;
  const fromMs = Math.floor(replayed.minMs / STEP_MS) * STEP_MS;
  const toMs = Math.min(resampleStartMs, Math.floor(replayed.maxMs / STEP_MS) * STEP_MS + STEP_MS);
  // An hour per statement, so each stays well inside the request timeout.
  let failed = 0;
  for (let chunkMs = fromMs; chunkMs < toMs; chunkMs += HOUR_MS) {
    const endMs = Math.min(toMs, chunkMs + HOUR_MS);
    if (!(await rollUpHour(target, chunkMs, endMs))) failed += 1;
  }
  const daily = await backfillDailyRollup(target, fromMs, toMs);
  target.log.info(
    { fromMs, toMs, failedHours: failed, failedDays: daily.failedDays },
    'rolled up replayed points older than the continuous query window',
  );
}

async function rollUpHour(target: BackfillTarget, fromMs: number, toMs: number): Promise<boolean> {
  const text = rollupSelect(target.database, target.retention, `time >= ${fromMs}ms AND time < ${toMs}ms`);
  try {
    statementResults(await target.influx.queryRaw(text, { method: 'POST' }), text);
    return true;
  } catch (error) {
    target.log.error(
      { fromMs, toMs, error: errorText(error) },
      'rollup backfill after spool replay failed for this hour; its 5-minute rollups are missing',
    );
    return false;
  }
}
