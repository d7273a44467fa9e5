/**
 * The report's first pass through the daily reachability rollup gives the same report as reading
 * every day through the 5-minute rollups, in both stores: the month in China time (local midnights,
 * 16:00 UTC) against the rollup's UTC days — a first UTC day wholly up taken as up inside the period,
 * a last UTC day whose only outage lies after the period's end read bucket by bucket (all up), an
 * outage in the first UTC day's part inside the period, a day partly in a maintenance window, a day
 * without readings. Data runs a day past both ends of the month, as in a store that keeps going.
 * A store whose daily rollup holds nothing for the month (InfluxDB before its backfill) reads the
 * 5-minute rollups and says so in the report's metadata.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../common';
import { InfluxMetricsStore, openMetricsStore, type MetricsStore } from '../../metrics';
import { backfillDailyRollup } from '../../metrics/influx/daily-backfill';
import { DEFAULT_RETENTION } from '../../metrics/retention';
import type { MonthlyReport } from '../../reports';
import { startInfluxd, type Influxd } from '../support/influxd';
import { fillEmbedded } from '../reports/fill-embedded';
import {
  buildFixture,
  dayOfPoints,
  fixtureReport,
  rollupLines,
  type MonthFixture,
} from '../reports/month-fixture';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const base = buildFixture(Date.now());
const fixture: MonthFixture = {
  ...base,
  outages: [
    ...base.outages,
    // Inside the period's part of its first UTC day (local day 1, 03:00–04:00 = 19:00–20:00 UTC the day before).
    ['b-gw', base.startMs + 3 * HOUR_MS, base.startMs + 4 * HOUR_MS],
    // After the period's end, in the same UTC day as its last local hours: the report sees none of it.
    ['c-gw', base.endMs + HOUR_MS, base.endMs + 2 * HOUR_MS],
  ],
};
/** A day of readings before and after the month. */
const range = { startMs: fixture.startMs - DAY_MS, endMs: fixture.endMs + DAY_MS };
const dirs: string[] = [];
let influxd: Influxd | undefined;

const reportFor = (
  store: MetricsStore,
  useDailyRollup: boolean,
  scopeRoot?: string,
): Promise<MonthlyReport> =>
  fixtureReport(fixture, store, {
    nowMs: fixture.endMs + 2 * DAY_MS,
    useDailyRollup,
    ...(scopeRoot === undefined ? {} : { scopeRoot }),
  });

/** The UTC days overlapping the month: 31 local days in China time span 32 UTC days (30 days: 31). */
const utcDays = Math.round((fixture.endMs - fixture.startMs) / DAY_MS) + 1;

/** Everything but how it was read. */
const figures = (report: MonthlyReport): Omit<MonthlyReport, 'reachabilityRead'> => {
  const { reachabilityRead: _read, ...rest } = report;
  return rest;
};

async function expectSameReports(store: MetricsStore): Promise<MonthlyReport> {
  for (const scope of [undefined, 'a-gw']) {
    const fromDaily = await reportFor(store, true, scope);
    const fromFiveMinute = await reportFor(store, false, scope);
    expect(fromFiveMinute.reachabilityRead).toMatchObject({ dailyRollupDays: 0, fiveMinuteDays: utcDays });
    expect(figures(fromDaily)).toEqual(figures(fromFiveMinute));
    expect(fromDaily.outages.length).toBeGreaterThan(0);
  }
  const report = await reportFor(store, true);
  expect(report.reachabilityRead).toMatchObject({ dailyRollupDays: utcDays, fiveMinuteDays: 0 });
  // Read bucket by bucket: the days with an outage or a gap inside the period (the first UTC day
  // for b-gw's hour), not the last, down only after the period's end.
  expect(report.reachabilityRead.detailDays).toBeLessThan(utcDays / 2);
  const cGw = report.nodes.find((row) => row.id === 'c-gw');
  expect(cGw?.ownDownS).toBe(0);
  const bGw = report.nodes.find((row) => row.id === 'b-gw');
  expect(bGw?.outages).toBe(2);
  return report;
}

describe('report from the daily rollup = report from the 5-minute rollups: embedded store', () => {
  let store: MetricsStore;
  let dbPath: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-report-daily-'));
    dirs.push(dir);
    dbPath = join(dir, 'metrics.db');
    expect(await fillEmbedded(fixture, dbPath, range)).toBe(0);
    store = openMetricsStore(`sqlite:${dbPath}`, { logger: memoryLogger() });
    await store.init();
  }, 180_000);
  afterAll(async () => store.close());

  it('gives the same figures, outages and links, whole network and a county', async () => {
    await expectSameReports(store);
  });

  it('reads a node bucket by bucket on the newest day its daily row is missing from (the hourly CQ lags)', async () => {
    // InfluxDB's cq_rollup_1d runs hourly: a node first heard after its last run has no row for today.
    const lastDayMs = Math.floor((fixture.endMs - 1) / DAY_MS) * DAY_MS;
    const before = await reportFor(store, true);
    const db = new Database(dbPath);
    const removed = db
      .prepare(
        `DELETE FROM rollup_1d WHERE d = ? AND sid IN
           (SELECT id FROM series WHERE measurement = 'node' AND tags LIKE '%"a-gw"%')`,
      )
      .run(lastDayMs).changes;
    db.close();
    expect(removed).toBe(1);
    const after = await reportFor(store, true);
    expect(figures(after)).toEqual(figures(before));
    expect(after.reachabilityRead.detailDays).toBeGreaterThanOrEqual(before.reachabilityRead.detailDays);
  });
});

describe('report from the daily rollup = report from the 5-minute rollups: InfluxDB', () => {
  let store: InfluxMetricsStore;
  beforeAll(async () => {
    influxd = await startInfluxd();
    const dir = mkdtempSync(join(tmpdir(), 'egov-report-daily-spool-'));
    dirs.push(dir);
    store = new InfluxMetricsStore({
      host: '127.0.0.1',
      port: influxd.port,
      database: 'report_daily',
      spoolDir: dir,
      logger: memoryLogger(),
    });
    await store.init();
    await store.dailyBackfillDone();
    // The 5-minute rollups as cq_rollup_5m writes them, straight into rollup_400d: the daily CQ never saw them.
    for (let dayMs = range.startMs; dayMs < range.endMs; dayMs += DAY_MS) {
      const body = rollupLines(dayOfPoints(fixture, dayMs)).join('\n');
      const params = new URLSearchParams({ db: 'report_daily', rp: 'rollup_400d', precision: 'ms' });
      const response = await fetch(`${influxd.url}/write?${params}`, { method: 'POST', body });
      expect(response.status).toBe(204);
    }
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await influxd?.destroy();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('without a daily rollup for the month, reads the 5-minute rollups and says so', async () => {
    const report = await reportFor(store, true);
    expect(report.reachabilityRead).toMatchObject({ dailyRollupDays: 0, fiveMinuteDays: utcDays });
    expect(figures(report)).toEqual(figures(await reportFor(store, false)));
  });

  it('after the backfill, gives the same figures, outages and links, whole network and a county', async () => {
    const log = memoryLogger();
    const target = { influx: store.client, database: 'report_daily', retention: DEFAULT_RETENTION, log };
    expect(await backfillDailyRollup(target, range.startMs, range.endMs)).toMatchObject({ failedDays: 0 });
    await expectSameReports(store);
  });
});
