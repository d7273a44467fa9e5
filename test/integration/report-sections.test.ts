/**
 * The report's video, security-alert and certificate sections against figures worked out by hand:
 * a month of meetings with known quality and one county cut off mid-meeting, in the embedded store
 * and in a real influxd's rollups; security alerts with known acknowledgement delays in a real
 * alert-engine state file, read through alerts/'s reader.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecurityAlerts, readSilences } from '../../alerts';
import { memoryLogger } from '../../common';
import { loadInventoryText, type Topology } from '../../inventory';
import { openMetricsStore, type MetricsStore } from '../../metrics';
import {
  buildMonthlyReport,
  parseMonth,
  type MeetingRow,
  type MonthlyReport,
  type Spread,
} from '../../reports';
import { startInfluxd, type Influxd } from '../support/influxd';
import { writeAlerts } from '../reports/alerts-fixture';
import { buildFixture, INVENTORY_YAML } from '../reports/month-fixture';
import { buildVideoFixture, rollupLinesOf, videoPoints, type VideoFixture } from '../reports/video-fixture';

const fixture: VideoFixture = buildVideoFixture(Date.now());
const dirs: string[] = [];
let influxd: Influxd | undefined;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'egov-report-sections-'));
  dirs.push(dir);
  return dir;
}

function topologyOf(yaml: string): Topology {
  const loaded = loadInventoryText('net.yaml', yaml);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.topology;
}

async function videoReport(store: MetricsStore, scopeRoot?: string): Promise<MonthlyReport> {
  const parsed = parseMonth(fixture.month);
  if (!parsed.ok) throw new Error(parsed.reason);
  const topology = topologyOf(fixture.inventoryYaml);
  return buildMonthlyReport({
    topology,
    store,
    period: parsed.period,
    silences: [],
    ...(scopeRoot === undefined ? {} : { scopeRoot: topology.node(scopeRoot as never).id }),
  });
}

/** Means of equal values may differ in the last bit (3.7999999999999994): compared to 9 places. */
const exact = (spread: Spread | null | undefined) =>
  spread && { ...spread, avg: Number(spread.avg.toFixed(9)) };

const flat = (meeting: MeetingRow | undefined) => ({
  title: meeting?.title,
  links: meeting?.links,
  mos: exact(meeting?.mos),
  lossPct: exact(meeting?.lossPct),
  jitterMs: exact(meeting?.jitterMs),
  dropped: meeting?.dropped.map((drop) => [drop.link, drop.county, drop.countyName, drop.downS]),
});

function checkVideoAgainstHand(report: MonthlyReport): void {
  const meetings = report.video?.meetings ?? [];
  // Every Monday's meeting and the one-off, in time order.
  expect(meetings).toHaveLength(fixture.mondays.length + 1);
  expect(meetings.map((meeting) => meeting.startMs)).toEqual(
    [...fixture.mondays, fixture.oneOff[0]].sort((x, y) => x - y),
  );
  const [first, ...others] = fixture.mondays;
  // First Monday: A's link 24 buckets of MOS 4 / loss 0.5 / jitter 10; B's 12 of 3.5/2/20 and 12 of
  // 2.5/6/40. MOS mean (96 + 42 + 30) / 48 = 3.5, p95 the 46th of 48 sorted = 4; loss (12 + 24 + 72)
  // / 48 = 2.25, p95 6; jitter (240 + 240 + 480) / 48 = 20, p95 40. County B cut off 10:00–10:20
  // (its router, 1,200 s) and 3 of 5 polls of 10:40 (its MCU, 180 s).
  expect(flat(meetings.find((meeting) => meeting.startMs === first))).toEqual({
    title: '全市工作例会',
    links: 2,
    mos: { min: 2.5, avg: 3.5, p95: 4, count: 48 },
    lossPct: { min: 0.5, avg: 2.25, p95: 6, count: 48 },
    jitterMs: { min: 10, avg: 20, p95: 40, count: 48 },
    dropped: [['vc-b', 'b-gw', '乙县政府内网路由器', 1380]],
  });
  for (const start of others)
    expect(flat(meetings.find((meeting) => meeting.startMs === start))).toEqual({
      title: '全市工作例会',
      links: 2,
      mos: { min: 4, avg: 4, p95: 4, count: 48 },
      lossPct: { min: 0.5, avg: 0.5, p95: 0.5, count: 48 },
      jitterMs: { min: 10, avg: 10, p95: 10, count: 48 },
      dropped: [],
    });
  // The one-off is held over B's link only: A's router going down then drops nobody.
  expect(flat(meetings.find((meeting) => meeting.startMs === fixture.oneOff[0]))).toEqual({
    title: '防汛专题会',
    links: 1,
    mos: { min: 3.8, avg: 3.8, p95: 3.8, count: 12 },
    lossPct: { min: 1, avg: 1, p95: 1, count: 12 },
    jitterMs: { min: 15, avg: 15, p95: 15, count: 12 },
    dropped: [],
  });
}

async function checkCountyScope(store: MetricsStore): Promise<void> {
  const report = await videoReport(store, 'a-gw');
  const meetings = report.video?.meetings ?? [];
  expect(meetings.map((meeting) => [meeting.title, meeting.links])).toEqual(
    fixture.mondays.map(() => ['全市工作例会', 1]),
  );
  expect(exact(meetings[0]?.mos)).toEqual({ min: 4, avg: 4, p95: 4, count: 24 });
  expect(meetings.every((meeting) => meeting.dropped.length === 0)).toBe(true);
}

describe('video conferences from the embedded store', () => {
  let store: MetricsStore;
  beforeAll(async () => {
    const path = join(tempDir(), 'metrics.db');
    let clockMs = fixture.startMs;
    const writer = openMetricsStore(`sqlite:${path}`, { logger: memoryLogger(), now: () => clockMs });
    await writer.init();
    const points = videoPoints(fixture).sort((x, y) => x.timeMs - y.timeMs);
    // Written as the collector would have, a meeting at a time, the store's clock then (raw retention).
    while (points.length > 0) {
      const firstMs = points[0]?.timeMs ?? 0;
      const cut = points.findIndex((point) => point.timeMs >= firstMs + 86_400_000);
      const batch = points.splice(0, cut === -1 ? points.length : cut);
      clockMs = (batch.at(-1)?.timeMs ?? clockMs) + 60_000;
      writer.write(batch);
      await writer.flush();
    }
    expect(writer.health().droppedPoints).toBe(0);
    await writer.close();
    store = openMetricsStore(`sqlite:${path}`, { logger: memoryLogger() });
    await store.init();
  }, 120_000);
  afterAll(async () => store?.close());

  it('reports every meeting with the quality and the dropped county worked out by hand', async () => {
    checkVideoAgainstHand(await videoReport(store));
  });

  it("a county's report holds only its own link's meetings and quality", async () => {
    await checkCountyScope(store);
  });
});

describe('video conferences from InfluxDB rollups', () => {
  let store: MetricsStore;
  beforeAll(async () => {
    influxd = await startInfluxd();
    store = openMetricsStore(`influx://127.0.0.1:${influxd.port}/report_video`, {
      logger: memoryLogger(),
      spoolDir: tempDir(),
    });
    await store.init();
    const params = new URLSearchParams({ db: 'report_video', rp: 'rollup_400d', precision: 'ms' });
    const response = await fetch(`${influxd.url}/write?${params}`, {
      method: 'POST',
      body: rollupLinesOf(videoPoints(fixture)).join('\n'),
    });
    expect(response.status).toBe(204);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await influxd?.destroy();
  });

  it('reports every meeting with the quality and the dropped county worked out by hand', async () => {
    checkVideoAgainstHand(await videoReport(store));
  });

  it("a county's report holds only its own link's meetings and quality", async () => {
    await checkCountyScope(store);
  });
});

describe('security alerts and time to acknowledge', () => {
  const month = buildFixture(Date.now());
  let alertsDb: string;
  let store: MetricsStore;
  beforeAll(async () => {
    alertsDb = join(tempDir(), 'alerts.db');
    writeAlerts(alertsDb, month.startMs);
    store = openMetricsStore('memory', { logger: memoryLogger() });
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function report(scopeRoot?: string): Promise<MonthlyReport> {
    const parsed = parseMonth(month.month);
    if (!parsed.ok) throw new Error(parsed.reason);
    const topology = topologyOf(INVENTORY_YAML);
    return buildMonthlyReport({
      topology,
      store,
      period: parsed.period,
      silences: readSilences(alertsDb),
      securityAlerts: readSecurityAlerts(alertsDb, parsed.period.startMs, parsed.period.endMs),
      ...(scopeRoot === undefined ? {} : { scopeRoot: topology.node(scopeRoot as never).id }),
    });
  }

  it('counts them by rule and county with median and p90 time to acknowledge, and lists the unacknowledged', async () => {
    const section = (await report()).securityAlerts;
    // County A: acked after 2, 10, 4, 30 min → sorted 2, 4, 10, 30: median (nearest rank 2 of 4) 4 min,
    // p90 (rank 4) 30 min. County B: one acked after 6 min, one never. The burst names no node.
    expect(section?.byRule).toEqual([
      {
        rule: 'brute-force',
        county: 'a-gw',
        countyName: '甲县政务外网路由器',
        count: 4,
        acknowledged: 4,
        medianAckS: 240,
        p90AckS: 1800,
      },
      {
        rule: 'brute-force',
        county: 'b-gw',
        countyName: '乙县政务外网路由器',
        count: 2,
        acknowledged: 1,
        medianAckS: 360,
        p90AckS: 360,
      },
      {
        rule: 'security-burst',
        county: null,
        countyName: '其他 other',
        count: 1,
        acknowledged: 0,
        medianAckS: null,
        p90AckS: null,
      },
    ]);
    // All: 2, 4, 6, 10, 30 → median 6 min, p90 (rank 5) 30 min.
    expect(section?.total).toEqual({ count: 7, acknowledged: 5, medianAckS: 360, p90AckS: 1800 });
    expect(
      section?.unacknowledged.map((alert) => [alert.id, alert.nodeName, alert.resolvedAtMs === null]),
    ).toEqual([
      ['burst-1', '—', false],
      ['bf-6', '乙县乡镇汇聚交换机', true],
    ]);
  });

  it("a county's report counts its own alerts only", async () => {
    const section = (await report('b-gw')).securityAlerts;
    expect(section?.byRule.map((row) => [row.rule, row.county, row.count])).toEqual([
      ['brute-force', 'b-gw', 2],
    ]);
    expect(section?.unacknowledged.map((alert) => alert.id)).toEqual(['bf-6']);
  });
});
