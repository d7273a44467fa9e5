/**
 * The monthly report from both stores: a month of reachability with known outages (some in
 * maintenance windows) goes into the embedded store (raw polls, rolled up as they are written) and
 * into a real influxd (the 5-minute rollups its continuous query writes), and the report's
 * availability, MTTR, MTBF and SLA figures equal those worked out by hand from the outage list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../common';
import { openMetricsStore, type MetricsStore } from '../../metrics';
import type { MonthlyReport } from '../../reports';
import { startInfluxd, type Influxd } from '../support/influxd';
import { availability, expectedNodes } from '../reports/expected';
import { fillEmbedded } from '../reports/fill-embedded';
import {
  buildFixture,
  dayOfPoints,
  fixtureReport,
  rollupLines,
  type MonthFixture,
} from '../reports/month-fixture';

const DAY_MS = 86_400_000;
const fixture: MonthFixture = buildFixture(Date.now());
const dirs: string[] = [];
let influxd: Influxd | undefined;

async function fillInflux(server: Influxd, database: string): Promise<MetricsStore> {
  const dir = mkdtempSync(join(tmpdir(), 'egov-report-spool-'));
  dirs.push(dir);
  const store = openMetricsStore(`influx://127.0.0.1:${server.port}/${database}`, {
    logger: memoryLogger(),
    spoolDir: dir,
  });
  await store.init();
  for (let dayMs = fixture.startMs; dayMs < fixture.endMs; dayMs += DAY_MS) {
    const body = rollupLines(dayOfPoints(fixture, dayMs)).join('\n');
    const params = new URLSearchParams({ db: database, rp: 'rollup_400d', precision: 'ms' });
    const response = await fetch(`${server.url}/write?${params}`, { method: 'POST', body });
    expect(response.status).toBe(204);
  }
  return store;
}

const reportFor = (store: MetricsStore, scopeRoot?: string): Promise<MonthlyReport> =>
  fixtureReport(fixture, store, scopeRoot === undefined ? {} : { scopeRoot });

function checkAgainstHand(report: MonthlyReport): void {
  const expected = expectedNodes(fixture);
  expect(report.nodes.map((row) => row.id).sort()).toEqual(Object.keys(expected).sort());
  for (const row of report.nodes) {
    const want = expected[row.id];
    if (want === undefined) throw new Error(`unexpected node ${row.id}`);
    expect({ id: row.id, measuredS: row.measuredS, maintenanceS: row.maintenanceS }).toEqual({
      id: row.id,
      measuredS: want.measuredS,
      maintenanceS: want.maintenanceS,
    });
    expect(row.ownDownS, row.id).toBeCloseTo(want.ownDownS, 6);
    expect(row.impactedS, row.id).toBeCloseTo(want.impactedS, 6);
    expect(row.outages, row.id).toBe(want.outages);
    if (want.mttrS === null) expect(row.mttrS, row.id).toBeNull();
    else expect(row.mttrS, row.id).toBeCloseTo(want.mttrS, 6);
    expect(row.availabilityPct, row.id).toBeCloseTo(availability(want), 9);
  }
  const aGw = expected['a-gw'];
  const aRow = report.nodes.find((row) => row.id === 'a-gw');
  expect(aRow?.mtbfS).toBeCloseTo(((aGw?.measuredS ?? 0) - 9000) / 2, 6);

  // Leased links against their SLA: A's HFC 99.5% kept, B's leased line 99.9% missed; C is fiber without one.
  expect(report.links.map((link) => [link.id, link.slaPct, link.slaMet])).toEqual([
    ['a-uplink', 99.5, true],
    ['b-uplink', 99.9, false],
  ]);
  const bLink = report.links.find((link) => link.id === 'b-uplink');
  expect(bLink?.availabilityPct).toBeCloseTo((100 * (fixture.monthS - 14_400)) / fixture.monthS, 9);
  expect(bLink?.mttrS).toBeCloseTo(14_400, 6);

  // A county is down when its uplink is: its figures are its root's; outages in it are counted apart.
  expect(report.counties.map((c) => [c.id, c.nodeCount, c.subtreeOutages, c.outages])).toEqual([
    ['a-gw', 3, 4, 2],
    ['b-gw', 2, 1, 1],
    ['c-gw', 1, 0, 0],
  ]);
  const countyTier = report.groups.find((group) => group.kind === 'tier' && group.key === 'county');
  const countyMeasuredS = fixture.monthS * 3 - 3 * 3600 - 86_400;
  expect(countyTier?.measuredS).toBe(countyMeasuredS);
  expect(countyTier?.availabilityPct).toBeCloseTo((100 * (countyMeasuredS - 23_400)) / countyMeasuredS, 9);

  // Every root-cause outage listed; the two in maintenance windows shown as planned.
  expect(report.outages).toHaveLength(7);
  expect(
    report.outages
      .filter((outage) => outage.planned)
      .map((outage) => outage.node)
      .sort(),
  ).toEqual(['a-gw', 'b-town']);
}

describe('monthly report from the embedded store', () => {
  let store: MetricsStore;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-report-'));
    dirs.push(dir);
    expect(await fillEmbedded(fixture, join(dir, 'metrics.db'))).toBe(0);
    store = openMetricsStore(`sqlite:${join(dir, 'metrics.db')}`, { logger: memoryLogger() });
    await store.init();
  }, 120_000);
  afterAll(async () => store.close());

  it('equals the figures worked out by hand', async () => {
    checkAgainstHand(await reportFor(store));
  });

  it("a county's report holds its subtree only, with root causes above it still told apart", async () => {
    const report = await reportFor(store, 'a-gw');
    expect(report.scope?.root).toBe('a-gw');
    expect(report.nodes.map((row) => row.id).sort()).toEqual(['a-dept', 'a-gw', 'a-town']);
    expect(report.outages.every((outage) => outage.node.startsWith('a-'))).toBe(true);
    const dept = report.nodes.find((row) => row.id === 'a-dept');
    expect(dept?.ownDownS).toBeCloseTo(180, 6);
    expect(dept?.impactedS).toBeCloseTo(11_700, 6);
  });
});

describe('monthly report from InfluxDB rollups', () => {
  let store: MetricsStore;
  beforeAll(async () => {
    influxd = await startInfluxd();
    store = await fillInflux(influxd, 'report_month');
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await influxd?.destroy();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('equals the figures worked out by hand', async () => {
    checkAgainstHand(await reportFor(store));
  });
});
