/**
 * A month of reachability with known outages, some inside maintenance windows, for a small network:
 * a city core, three counties (A on an HFC uplink with a 99.5% SLA, B on a leased line with 99.9%,
 * C on fiber), townships and a department below. Every expected number is worked out by hand below
 * from the outage list, not by the code under test.
 */
import type { MetricPoint, Silence } from '../../domain';
import { loadInventoryText, type Topology } from '../../inventory';
import type { MetricsStore } from '../../metrics';
import { buildMonthlyReport, parseMonth, type MonthlyReport } from '../../reports';

export const INVENTORY_YAML = `
network: { id: testcity, name: 测试市电子政务网络, domain: test.gov.cn }
credentials:
  v2c: { version: 2c, community: test-ro }
nodes:
  - { id: city-core, name: 测试市核心路由器, tier: city, zone: external, role: router, vendor: huawei, model: NE40E, address: 10.9.0.1, credentials: v2c, location: 网管中心 }
  - { id: a-gw, name: 甲县政务外网路由器, tier: county, zone: external, role: router, vendor: huawei, model: AR6280, address: 10.9.1.1, credentials: v2c, parent: city-core, location: 甲县 }
  - { id: a-town, name: 甲县乡镇汇聚交换机, tier: township, zone: external, role: switch, vendor: h3c, model: S5130S, address: 10.9.1.2, credentials: v2c, parent: a-gw, location: 甲县 }
  - { id: a-dept, name: 甲县财政局接入交换机, tier: department, zone: external, role: switch, vendor: h3c, model: S5130S, address: 10.9.1.3, credentials: v2c, parent: a-town, location: 甲县 }
  - { id: b-gw, name: 乙县政务外网路由器, tier: county, zone: external, role: router, vendor: huawei, model: AR6280, address: 10.9.2.1, credentials: v2c, parent: city-core, location: 乙县 }
  - { id: b-town, name: 乙县乡镇汇聚交换机, tier: township, zone: external, role: switch, vendor: h3c, model: S5130S, address: 10.9.2.2, credentials: v2c, parent: b-gw, location: 乙县 }
  - { id: c-gw, name: 丙县政务外网路由器, tier: county, zone: external, role: router, vendor: huawei, model: AR6280, address: 10.9.3.1, credentials: v2c, parent: city-core, location: 丙县 }
links:
  - { id: a-uplink, a: "city-core:GE0/0/1", b: "a-gw:GE0/0/0", capacityMbps: 100, medium: hfc, slaPct: 99.5 }
  - { id: b-uplink, a: "city-core:GE0/0/2", b: "b-gw:GE0/0/0", capacityMbps: 100, medium: leased, slaPct: 99.9 }
  - { id: c-uplink, a: "city-core:GE0/0/3", b: "c-gw:GE0/0/0", capacityMbps: 1000, medium: fiber }
  - { a: "a-gw:GE0/0/1", b: "a-town:GigabitEthernet1/0/24", capacityMbps: 1000, medium: fiber }
  - { a: "a-town:GigabitEthernet1/0/1", b: "a-dept:GigabitEthernet1/0/24", capacityMbps: 1000, medium: fiber }
  - { a: "b-gw:GE0/0/1", b: "b-town:GigabitEthernet1/0/24", capacityMbps: 1000, medium: fiber }
`;

/** The fixture's network, loaded from INVENTORY_YAML. */
export function fixtureTopology(): Topology {
  const loaded = loadInventoryText('report-net.yaml', INVENTORY_YAML);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.topology;
}

export interface FixtureReportOptions {
  /** The id of the node whose subtree the report covers (a county operator's scope). */
  scopeRoot?: string;
  nowMs?: number;
  useDailyRollup?: boolean;
}

/** The fixture month's report from `store`, with the fixture's maintenance windows. */
export function fixtureReport(
  fixture: MonthFixture,
  store: MetricsStore,
  { scopeRoot, ...options }: FixtureReportOptions = {},
): Promise<MonthlyReport> {
  const parsed = parseMonth(fixture.month);
  if (!parsed.ok) throw new Error(parsed.reason);
  const topology = fixtureTopology();
  return buildMonthlyReport({
    topology,
    store,
    period: parsed.period,
    silences: fixture.silences,
    ...options,
    ...(scopeRoot === undefined ? {} : { scopeRoot: topology.node(scopeRoot as never).id }),
  });
}

export const NODE_ATTRS: Record<string, { tier: string; zone: string; role: string }> = {
  'city-core': { tier: 'city', zone: 'external', role: 'router' },
  'a-gw': { tier: 'county', zone: 'external', role: 'router' },
  'a-town': { tier: 'township', zone: 'external', role: 'switch' },
  'a-dept': { tier: 'department', zone: 'external', role: 'switch' },
  'b-gw': { tier: 'county', zone: 'external', role: 'router' },
  'b-town': { tier: 'township', zone: 'external', role: 'switch' },
  'c-gw': { tier: 'county', zone: 'external', role: 'router' },
};

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const CST_MS = 8 * HOUR_MS;

/** The month before the one `nowMs` falls in (China time): old enough to be read from the rollups. */
export function previousMonth(nowMs: number): {
  month: string;
  startMs: number;
  endMs: number;
  days: number;
} {
  const local = new Date(nowMs + CST_MS);
  const year = local.getUTCFullYear();
  const monthIndex = local.getUTCMonth() - 1;
  const startMs = Date.UTC(year, monthIndex, 1) - CST_MS;
  const endMs = Date.UTC(year, monthIndex + 1, 1) - CST_MS;
  const first = new Date(startMs + CST_MS);
  const month = `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, '0')}`;
  return { month, startMs, endMs, days: Math.round((endMs - startMs) / DAY_MS) };
}

export interface MonthFixture {
  month: string;
  startMs: number;
  endMs: number;
  /** [node, startMs, endMs): unreachable. */
  outages: Array<[string, number, number]>;
  /** c-gw has no readings at all on this day (the collector was down). */
  gapDay: [number, number];
  silences: Silence[];
  /** Local Sundays 01:00–03:00 in the month: b-town's weekly maintenance window. */
  sundayWindows: number;
  monthS: number;
}

export function buildFixture(nowMs: number): MonthFixture {
  const { month, startMs, endMs, days } = previousMonth(nowMs);
  const at = (day: number, hour: number, minute = 0): number =>
    startMs + (day - 1) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS;
  let firstSunday = 1;
  while (new Date(at(firstSunday, 0) + CST_MS).getUTCDay() !== 0) firstSunday += 1;
  const sundayWindows = Math.floor((days - firstSunday) / 7) + 1;
  return {
    month,
    startMs,
    endMs,
    monthS: days * 86_400,
    sundayWindows,
    gapDay: [at(15, 0), at(16, 0)],
    outages: [
      ['a-gw', at(3, 10), at(3, 12)], // 2 h, unplanned: a-town and a-dept cut off behind it
      ['a-gw', at(10, 2), at(10, 3)], // 1 h inside the one-off planned work 01:00–04:00
      ['a-gw', at(20, 14), at(20, 14, 30)], // 30 min, unplanned
      ['a-town', at(5, 9), at(5, 9, 45)], // 45 min, a-town's own; a-dept cut off behind it
      ['a-dept', at(25, 10, 1), at(25, 10, 4)], // 3 min inside one 5-minute bucket: 3 of its 5 polls
      ['b-gw', at(12, 10), at(12, 14)], // 4 h, unplanned, on the leased line
      ['b-town', at(firstSunday, 1), at(firstSunday, 2)], // inside its weekly Sunday window
    ],
    silences: [
      {
        id: 'planned-a',
        matchers: [{ label: 'node', value: 'a-gw' }],
        startsAtMs: at(10, 1),
        endsAtMs: at(10, 4),
        createdBy: 'ops',
        createdAtMs: startMs,
        reason: '甲县上联割接 planned cutover',
      },
      {
        id: 'weekly-b',
        matchers: [{ label: 'node', value: 'b-.*town', regex: true }],
        startsAtMs: startMs - DAY_MS,
        endsAtMs: endMs + DAY_MS,
        createdBy: 'ops',
        createdAtMs: startMs,
        reason: '每周日维护 weekly maintenance',
        recurrence: { days: ['sun'], from: '01:00', to: '03:00' },
      },
      {
        id: 'rule-only',
        matchers: [
          { label: 'node', value: 'c-gw' },
          { label: 'rule', value: 'cpu-high' },
        ],
        startsAtMs: startMs,
        endsAtMs: endMs,
        createdBy: 'ops',
        createdAtMs: startMs,
        reason: 'mutes one rule only: not maintenance',
      },
    ],
  };
}

/** Whether a node answered the poll at this instant: down inside its own outage or one above it. */
function reachable(fixture: MonthFixture, node: string, atMs: number): boolean {
  const chain: Record<string, string[]> = {
    'a-gw': ['a-gw'],
    'a-town': ['a-gw', 'a-town'],
    'a-dept': ['a-gw', 'a-town', 'a-dept'],
    'b-gw': ['b-gw'],
    'b-town': ['b-gw', 'b-town'],
  };
  const path = chain[node] ?? [node];
  return !fixture.outages.some(([down, from, to]) => path.includes(down) && atMs >= from && atMs < to);
}

/** The collector's `node` points of one day: every node polled every 60 s. */
export function dayOfPoints(fixture: MonthFixture, dayStartMs: number): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (let atMs = dayStartMs; atMs < dayStartMs + DAY_MS; atMs += MINUTE_MS)
    for (const [node, attrs] of Object.entries(NODE_ATTRS)) {
      if (node === 'c-gw' && atMs >= fixture.gapDay[0] && atMs < fixture.gapDay[1]) continue;
      points.push({
        measurement: 'node',
        tags: { node, ...attrs },
        fields: { reachable: reachable(fixture, node, atMs) ? 1 : 0 },
        timeMs: atMs,
      });
    }
  return points;
}

/** What InfluxDB's cq_rollup_5m writes into rollup_400d for these points (line protocol, ms). */
export function rollupLines(points: MetricPoint[]): string[] {
  const buckets = new Map<string, { tags: Record<string, string>; bucketMs: number; values: number[] }>();
  for (const point of points) {
    const bucketMs = Math.floor(point.timeMs / 300_000) * 300_000;
    const key = `${point.tags.node}@${bucketMs}`;
    const bucket = buckets.get(key) ?? { tags: point.tags, bucketMs, values: [] };
    bucket.values.push(point.fields.reachable as number);
    buckets.set(key, bucket);
  }
  return [...buckets.values()].map(({ tags, bucketMs, values }) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const tagText = Object.entries(tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return `node,${tagText} mean_reachable=${mean},max_reachable=${Math.max(...values)},min_reachable=${Math.min(...values)} ${bucketMs}`;
  });
}
