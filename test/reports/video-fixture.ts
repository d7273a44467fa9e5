/**
 * A month of video conferences with known quality and one county cut off mid-meeting, for a small
 * network: the city MCU holds a weekly Monday meeting (09:00–11:00) over two links, to county A's
 * MCU and county B's, and a one-off meeting on day 10 (14:00–15:00) over B's link only. Every 5-minute
 * bucket holds one value, so the bucket means, and the expected figures below, are exact.
 */
import type { MetricPoint } from '../../domain';
import { previousMonth } from './month-fixture';

export const VIDEO_INVENTORY_YAML = `
network: { id: vcnet, name: 测试市视频会议网, domain: vc.test.gov.cn }
credentials:
  v2c: { version: 2c, community: test-ro }
nodes:
  - { id: city-core, name: 测试市核心路由器, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E, address: 10.8.0.1, credentials: v2c, location: 网管中心 }
  - { id: city-mcu, name: 测试市视频会议MCU, tier: city, zone: video, role: mcu, vendor: huawei, model: VP9660, address: 10.8.0.4, credentials: v2c, parent: city-core, location: 视频会议中心 }
  - { id: a-gw, name: 甲县政府内网路由器, tier: county, zone: internal, role: router, vendor: huawei, model: AR6280, address: 10.8.1.1, credentials: v2c, parent: city-core, location: 甲县 }
  - { id: a-mcu, name: 甲县视频会议MCU, tier: county, zone: video, role: mcu, vendor: huawei, model: VP9630, address: 10.8.1.3, credentials: v2c, parent: a-gw, location: 甲县 }
  - { id: b-gw, name: 乙县政府内网路由器, tier: county, zone: internal, role: router, vendor: huawei, model: AR6280, address: 10.8.2.1, credentials: v2c, parent: city-core, location: 乙县 }
  - { id: b-mcu, name: 乙县视频会议MCU, tier: county, zone: video, role: mcu, vendor: huawei, model: VP9630, address: 10.8.2.3, credentials: v2c, parent: b-gw, location: 乙县 }
links:
  - { a: "city-core:GE0/0/1", b: "city-mcu:LAN1", capacityMbps: 1000, medium: fiber }
  - { a: "city-core:GE0/0/2", b: "a-gw:GE0/0/0", capacityMbps: 100, medium: fiber }
  - { a: "a-gw:GE0/0/1", b: "a-mcu:LAN1", capacityMbps: 100, medium: fiber }
  - { a: "city-core:GE0/0/3", b: "b-gw:GE0/0/0", capacityMbps: 100, medium: leased }
  - { a: "b-gw:GE0/0/1", b: "b-mcu:LAN1", capacityMbps: 100, medium: fiber }
videoLinks:
  - { id: vc-a, name: 测试市—甲县视频会议链路, a: city-mcu, b: a-mcu, probe: nqa, meetings: [{ title: 全市工作例会, days: [mon], from: '09:00', to: '11:00' }] }
  - { id: vc-b, name: 测试市—乙县视频会议链路, a: city-mcu, b: b-mcu, probe: nqa, meetings: [{ title: 全市工作例会, days: [mon], from: '09:00', to: '11:00' }, { title: 防汛专题会, start: '@ONE_OFF_START@', end: '@ONE_OFF_END@' }] }
`;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const CST_MS = 8 * HOUR_MS;
const NODES = ['city-core', 'city-mcu', 'a-gw', 'a-mcu', 'b-gw', 'b-mcu'];
const ATTRS: Record<string, { tier: string; zone: string; role: string }> = {
  'city-core': { tier: 'city', zone: 'internal', role: 'router' },
  'city-mcu': { tier: 'city', zone: 'video', role: 'mcu' },
  'a-gw': { tier: 'county', zone: 'internal', role: 'router' },
  'a-mcu': { tier: 'county', zone: 'video', role: 'mcu' },
  'b-gw': { tier: 'county', zone: 'internal', role: 'router' },
  'b-mcu': { tier: 'county', zone: 'video', role: 'mcu' },
};

export interface VideoFixture {
  month: string;
  startMs: number;
  endMs: number;
  inventoryYaml: string;
  /** Local Monday 09:00 of every Monday in the month. */
  mondays: number[];
  oneOff: [number, number];
  /** [node, from, to): unreachable. */
  outages: Array<[string, number, number]>;
}

export function buildVideoFixture(nowMs: number): VideoFixture {
  const { month, startMs, endMs, days } = previousMonth(nowMs);
  const at = (day: number, hour: number, minute = 0): number =>
    startMs + (day - 1) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS;
  const mondays: number[] = [];
  for (let day = 1; day <= days; day += 1)
    if (new Date(at(day, 0) + CST_MS).getUTCDay() === 1) mondays.push(at(day, 9));
  const first = mondays[0] as number;
  const oneOff: [number, number] = [at(10, 14), at(10, 15)];
  const iso = (atMs: number) => new Date(atMs).toISOString();
  return {
    month,
    startMs,
    endMs,
    mondays,
    oneOff,
    inventoryYaml: VIDEO_INVENTORY_YAML.replace('@ONE_OFF_START@', iso(oneOff[0])).replace(
      '@ONE_OFF_END@',
      iso(oneOff[1]),
    ),
    outages: [
      ['b-gw', first + HOUR_MS, first + HOUR_MS + 20 * MINUTE_MS], // 10:00–10:20: B cut off 20 min
      ['b-mcu', first + 100 * MINUTE_MS, first + 103 * MINUTE_MS], // 10:40–10:43: 3 of 5 polls of a bucket
      ['a-gw', oneOff[0], oneOff[0] + 30 * MINUTE_MS], // A is not in the one-off meeting: no drop
    ],
  };
}

/** One link's quality in a bucket: 5-minute buckets counted from the meeting's start. */
function quality(fixture: VideoFixture, link: string, meetingStartMs: number, bucket: number) {
  if (meetingStartMs === fixture.oneOff[0]) return { mos: 3.8, lossPct: 1, jitterMs: 15 };
  const firstMonday = meetingStartMs === fixture.mondays[0];
  if (link === 'vc-b' && firstMonday)
    return bucket < 12 ? { mos: 3.5, lossPct: 2, jitterMs: 20 } : { mos: 2.5, lossPct: 6, jitterMs: 40 };
  return { mos: 4, lossPct: 0.5, jitterMs: 10 };
}

const pathOf: Record<string, string[]> = {
  'a-mcu': ['a-gw', 'a-mcu'],
  'b-mcu': ['b-gw', 'b-mcu'],
  'city-mcu': ['city-mcu'],
};

function reachable(fixture: VideoFixture, node: string, atMs: number): boolean {
  const path = pathOf[node] ?? [node];
  return !fixture.outages.some(([down, from, to]) => path.includes(down) && atMs >= from && atMs < to);
}

/** Every poll (each minute) during each meeting: reachability of every node and the links' quality. */
export function videoPoints(fixture: VideoFixture): MetricPoint[] {
  const meetings: Array<[number, number, string[]]> = [
    ...fixture.mondays.map((start): [number, number, string[]] => [
      start,
      start + 2 * HOUR_MS,
      ['vc-a', 'vc-b'],
    ]),
    [fixture.oneOff[0], fixture.oneOff[1], ['vc-b']],
  ];
  const points: MetricPoint[] = [];
  for (const [start, end, links] of meetings)
    for (let atMs = start; atMs < end; atMs += MINUTE_MS) {
      for (const node of NODES)
        points.push({
          measurement: 'node',
          tags: { node, ...(ATTRS[node] as object) },
          fields: { reachable: reachable(fixture, node, atMs) ? 1 : 0 },
          timeMs: atMs,
        });
      for (const link of links)
        points.push({
          measurement: 'video',
          tags: { link, node: 'city-mcu', peer: link === 'vc-a' ? 'a-mcu' : 'b-mcu', probe: 'nqa' },
          fields: quality(fixture, link, start, Math.floor((atMs - start) / (5 * MINUTE_MS))),
          timeMs: atMs,
        });
    }
  return points;
}

/** What InfluxDB's cq_rollup_5m writes for these points (mean_/max_/min_ per field), line protocol in ms. */
export function rollupLinesOf(points: MetricPoint[]): string[] {
  const buckets = new Map<string, { point: MetricPoint; bucketMs: number; values: Map<string, number[]> }>();
  for (const point of points) {
    const bucketMs = Math.floor(point.timeMs / 300_000) * 300_000;
    const key = `${point.measurement}@${JSON.stringify(point.tags)}@${bucketMs}`;
    const bucket = buckets.get(key) ?? { point, bucketMs, values: new Map<string, number[]>() };
    for (const [field, value] of Object.entries(point.fields))
      bucket.values.set(field, [...(bucket.values.get(field) ?? []), value]);
    buckets.set(key, bucket);
  }
  return [...buckets.values()].map(({ point, bucketMs, values }) => {
    const tags = Object.entries(point.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const fields = [...values]
      .flatMap(([field, list]) => [
        `mean_${field}=${list.reduce((a, b) => a + b, 0) / list.length}`,
        `max_${field}=${Math.max(...list)}`,
        `min_${field}=${Math.min(...list)}`,
      ])
      .join(',');
    return `${point.measurement},${tags} ${fields} ${bucketMs}`;
  });
}
