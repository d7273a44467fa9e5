/**
 * Retention shared by both stores: raw samples for a few days, 5-minute rollups (mean, max, min)
 * for a long time, and the daily reachability rollup (`daily-rollup.ts`) for longer still. Queries
 * whose step is at least the rollup step and whose range starts before the raw retention read the
 * rollups.
 */
export const ROLLUP_STEP_S = 300;

export interface RetentionSettings {
  /** How long raw samples are kept (InfluxDB RP `raw`, embedded table `samples`). */
  rawRetentionDays: number;
  /** How long 5-minute rollups are kept (InfluxDB RP `rollup_<N>d`, embedded table `rollup_5m`). */
  rollupRetentionDays: number;
  /**
   * How long the daily reachability rollup is kept (InfluxDB RP `rollup_1d`, embedded table
   * `rollup_1d`): one point per node and day, so a year-on-year report still finds last year.
   */
  dailyRetentionDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = {
  rawRetentionDays: 7,
  rollupRetentionDays: 400,
  dailyRetentionDays: 800,
};

const DAY_MS = 86_400_000;

/** Whether a query with this step and start should read the 5-minute rollups instead of raw samples. */
export function useRollup(
  stepS: number,
  startMs: number,
  nowMs: number,
  retention: RetentionSettings,
): boolean {
  return stepS >= ROLLUP_STEP_S && startMs < nowMs - retention.rawRetentionDays * DAY_MS;
}

export function checkRetention(retention: RetentionSettings): RetentionSettings {
  const { rawRetentionDays, rollupRetentionDays } = retention;
  if (!Number.isInteger(rawRetentionDays) || rawRetentionDays < 1) {
    throw new Error(`metrics: rawRetentionDays must be a whole number of days >= 1, got ${rawRetentionDays}`);
  }
  if (!Number.isInteger(rollupRetentionDays) || rollupRetentionDays < rawRetentionDays) {
    throw new Error(
      `metrics: rollupRetentionDays must be a whole number of days >= rawRetentionDays (${rawRetentionDays}), got ${rollupRetentionDays}`,
    );
  }
  const { dailyRetentionDays } = retention;
  if (!Number.isInteger(dailyRetentionDays) || dailyRetentionDays < rollupRetentionDays) {
    throw new Error(
      `metrics: dailyRetentionDays must be a whole number of days >= rollupRetentionDays (${rollupRetentionDays}), got ${dailyRetentionDays}`,
    );
  }
  return retention;
}
