/**
 * The daily reachability rollup of 5-minute rollups the daily continuous query never saw: those
 * written before `rollup_1d` existed (an upgraded install, once, in the background after init) and
 * those a spool replay or a bulk load wrote late. One statement per UTC day, each rewriting that
 * day's rows: running it again changes nothing. The first backfill leaves a marker point in
 * `rollup_1d` (measurement `egov_daily_backfill`) so a restart does not scan the months again.
 */
import type { InfluxDB } from 'influx';
import { escape } from 'influx';
import type { Logger } from '../../common';
import { DAILY_ROLLUP_FIELD, DAILY_ROLLUP_MEASUREMENT, DAY_MS, utcDayStart } from '../daily-rollup';
import type { RetentionSettings } from '../retention';
import { errorText } from './client';
import { statementResults } from './influxql';
import { DAILY_RP, dailyRollupSelect, rollupRpName } from './schema';

export const BACKFILL_MARKER = 'egov_daily_backfill';

export interface DailyBackfillTarget {
  influx: InfluxDB;
  database: string;
  retention: RetentionSettings;
  log: Logger;
  /** Asked between days: a closing store stops the backfill (the marker is then not written). */
  stopped?: () => boolean;
}

export interface DailyBackfillOutcome {
  days: number;
  failedDays: number;
  stopped: boolean;
}

/** Roll up every UTC day overlapping [fromMs, toMs) again from the 5-minute rollups; failures are logged. */
export async function backfillDailyRollup(
  target: DailyBackfillTarget,
  fromMs: number,
  toMs: number,
): Promise<DailyBackfillOutcome> {
  const outcome: DailyBackfillOutcome = { days: 0, failedDays: 0, stopped: false };
  for (let dayMs = utcDayStart(fromMs); dayMs < toMs; dayMs += DAY_MS) {
    if (target.stopped?.() === true) return { ...outcome, stopped: true };
    const text = dailyRollupSelect(
      target.database,
      target.retention,
      `time >= ${dayMs}ms AND time < ${dayMs + DAY_MS}ms`,
    );
    outcome.days += 1;
    try {
      statementResults(await target.influx.queryRaw(text, { method: 'POST' }), text);
    } catch (error) {
      outcome.failedDays += 1;
      target.log.error(
        { dayMs, error: errorText(error) },
        'daily reachability rollup backfill failed for this day; reports read its 5-minute rollups instead',
      );
    }
  }
  return outcome;
}

async function firstValueTime(target: DailyBackfillTarget, text: string): Promise<number | null> {
  const results = statementResults(
    await target.influx.queryRaw(text, { database: target.database, precision: 'ms' }),
    text,
  );
  const time = results[0]?.series?.[0]?.values[0]?.[0];
  return typeof time === 'number' ? time : null;
}

/**
 * Once per database: roll up, day by day, every 5-minute `node` rollup older than the daily rollup
 * (from the oldest kept), then leave the marker. Skipped when the marker is there.
 */
export async function ensureDailyBackfill(target: DailyBackfillTarget, nowMs: number): Promise<void> {
  const db = escape.quoted(target.database);
  const markerFrom = `${db}.${escape.quoted(DAILY_RP)}.${escape.quoted(BACKFILL_MARKER)}`;
  if ((await firstValueTime(target, `SELECT first("done") FROM ${markerFrom}`)) !== null) return;
  const rollups = `${db}.${escape.quoted(rollupRpName(target.retention))}.${escape.quoted(DAILY_ROLLUP_MEASUREMENT)}`;
  const oldestMs = await firstValueTime(
    target,
    `SELECT first(${escape.quoted(`mean_${DAILY_ROLLUP_FIELD}`)}) FROM ${rollups}`,
  );
  if (oldestMs !== null) {
    target.log.info(
      { database: target.database, fromMs: oldestMs },
      'building the daily reachability rollup from the 5-minute rollups kept so far',
    );
    const outcome = await backfillDailyRollup(target, oldestMs, nowMs + DAY_MS);
    target.log.info({ database: target.database, ...outcome }, 'daily reachability rollup backfill ended');
    if (outcome.stopped || outcome.failedDays > 0) return;
  }
  await target.influx.writePoints([{ measurement: BACKFILL_MARKER, fields: { done: 1 }, timestamp: nowMs }], {
    database: target.database,
    retentionPolicy: DAILY_RP,
    precision: 'ms',
  });
}
