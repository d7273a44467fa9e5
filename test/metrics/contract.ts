/**
 * The MetricsStore contract: every implementation (embedded SQLite, InfluxDB) must pass these.
 * Register with `metricsStoreContract('embedded', factory)` inside a test file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsStore } from '../../metrics/types';
import type { MetricPoint } from '../../domain';

export interface ContractHarness {
  store: MetricsStore;
  /** Make the 5-minute rollups of everything written so far queryable (what the CQ / rollup pass does). */
  rollUp(): Promise<void>;
  /** Make the 5-minute and daily rollups of [fromMs, toMs) queryable (what the CQs / the store's triggers do). */
  rollUpDaily(fromMs: number, toMs: number): Promise<void>;
  /** Close the store and remove what it created. */
  cleanup(): Promise<void>;
}

const STEP_MS = 300_000;
const DAY_MS = 86_400_000;
/** A 5-minute-aligned instant two hours ago: inside the raw retention, in complete buckets. */
const baseMs = (): number => Math.floor((Date.now() - 2 * 3_600_000) / STEP_MS) * STEP_MS;

function ifPoint(
  node: string,
  ifIndex: string,
  timeMs: number,
  inBps: number,
  extra: Record<string, string> = {},
): MetricPoint {
  return {
    measurement: 'interface',
    tags: { node, ifIndex, tier: 'county', zone: 'internal', ...extra },
    fields: { inBps, outBps: inBps * 2 },
    timeMs,
  };
}

export function metricsStoreContract(name: string, factory: () => Promise<ContractHarness>): void {
  describe(`MetricsStore contract: ${name}`, () => {
    let harness: ContractHarness | null = null;
    const open = async (): Promise<MetricsStore> => {
      harness = await factory();
      await harness.store.init();
      return harness.store;
    };
    afterEach(async () => {
      await harness?.cleanup();
      harness = null;
    });

    it('init is idempotent and a fresh store is healthy', async () => {
      const store = await open();
      await store.init();
      expect(store.health()).toEqual({
        pendingPoints: 0,
        spooledPoints: 0,
        droppedPoints: 0,
        backendUp: true,
        lastError: null,
      });
    });

    it('buckets a range by step, aligned to the epoch, with mean/max/min/last', async () => {
      const store = await open();
      const t0 = baseMs();
      // 10 s samples over two minutes: values 0..11.
      store.write(Array.from({ length: 12 }, (_, i) => ifPoint('xichuan-gw', '1', t0 + i * 10_000, i)));
      await store.flush();
      const q = { measurement: 'interface', field: 'inBps', startMs: t0, endMs: t0 + 120_000, stepS: 60 };
      expect(await store.query({ ...q, aggregation: 'mean' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 2.5],
            [t0 + 60_000, 8.5],
          ],
        },
      ]);
      expect(await store.query({ ...q, aggregation: 'max' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 5],
            [t0 + 60_000, 11],
          ],
        },
      ]);
      expect(await store.query({ ...q, aggregation: 'min' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 0],
            [t0 + 60_000, 6],
          ],
        },
      ]);
      expect(await store.query({ ...q, aggregation: 'last' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 5],
            [t0 + 60_000, 11],
          ],
        },
      ]);
      expect(await store.query({ ...q, aggregation: 'count' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 6],
            [t0 + 60_000, 6],
          ],
        },
      ]);
      expect(await store.query({ ...q, aggregation: 'sum' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 15],
            [t0 + 60_000, 51],
          ],
        },
      ]);
      expect(await store.query({ ...q, field: 'outBps', aggregation: 'max' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 10],
            [t0 + 60_000, 22],
          ],
        },
      ]);
    });

    it('treats the range as [start, end) and leaves empty buckets out', async () => {
      const store = await open();
      const t0 = baseMs();
      store.write([
        ifPoint('a', '1', t0, 1),
        ifPoint('a', '1', t0 + 180_000, 4),
        ifPoint('a', '1', t0 + 240_000, 5),
      ]);
      await store.flush();
      const series = await store.query({
        measurement: 'interface',
        field: 'inBps',
        startMs: t0,
        endMs: t0 + 240_000,
        stepS: 60,
        aggregation: 'mean',
      });
      expect(series).toEqual([
        {
          tags: {},
          points: [
            [t0, 1],
            [t0 + 180_000, 4],
          ],
        },
      ]);
    });

    it('filters by tags and by a node list, and an empty node list sees nothing', async () => {
      const store = await open();
      const t0 = baseMs();
      store.write([
        ifPoint('a', '1', t0, 10),
        ifPoint('a', '2', t0, 20),
        ifPoint('b', '1', t0, 30),
        ifPoint('c', '1', t0, 40),
      ]);
      await store.flush();
      const q = {
        measurement: 'interface',
        field: 'inBps',
        startMs: t0,
        endMs: t0 + 60_000,
        stepS: 60,
      } as const;
      expect(await store.query({ ...q, aggregation: 'max', where: { node: 'a' } })).toEqual([
        { tags: {}, points: [[t0, 20]] },
      ]);
      expect(await store.query({ ...q, aggregation: 'mean', where: { node: 'a', ifIndex: '1' } })).toEqual([
        { tags: {}, points: [[t0, 10]] },
      ]);
      expect(await store.query({ ...q, aggregation: 'max', nodes: ['a', 'b'] })).toEqual([
        { tags: {}, points: [[t0, 30]] },
      ]);
      expect(await store.query({ ...q, aggregation: 'max', nodes: [] })).toEqual([]);
      expect(await store.query({ ...q, aggregation: 'max', where: { node: 'nobody' } })).toEqual([]);
      expect(await store.query({ ...q, field: 'noSuchField', aggregation: 'max' })).toEqual([]);
      expect(await store.query({ ...q, measurement: 'noSuchMeasurement', aggregation: 'max' })).toEqual([]);
      await expect(store.query({ ...q, stepS: 0, aggregation: 'max' })).rejects.toThrow(/stepS must be > 0/);
    });

    it('splits by groupBy tags, one series per value, sorted by tags', async () => {
      const store = await open();
      const t0 = baseMs();
      store.write([
        ifPoint('b', '1', t0, 1),
        ifPoint('a', '1', t0, 2),
        ifPoint('a', '2', t0, 4),
        ifPoint('b', '1', t0 + 60_000, 3),
      ]);
      await store.flush();
      const q = {
        measurement: 'interface',
        field: 'inBps',
        startMs: t0,
        endMs: t0 + 120_000,
        stepS: 60,
      } as const;
      expect(await store.query({ ...q, aggregation: 'mean', groupBy: ['node'] })).toEqual([
        { tags: { node: 'a' }, points: [[t0, 3]] },
        {
          tags: { node: 'b' },
          points: [
            [t0, 1],
            [t0 + 60_000, 3],
          ],
        },
      ]);
      expect(
        await store.query({ ...q, aggregation: 'max', groupBy: ['node', 'ifIndex'], where: { node: 'a' } }),
      ).toEqual([
        { tags: { ifIndex: '1', node: 'a' }, points: [[t0, 2]] },
        { tags: { ifIndex: '2', node: 'a' }, points: [[t0, 4]] },
      ]);
    });

    it('keeps one value per series, field and time: a rewrite replaces it', async () => {
      const store = await open();
      const t0 = baseMs();
      store.write([ifPoint('a', '1', t0, 1)]);
      await store.flush();
      store.write([ifPoint('a', '1', t0, 7)]);
      await store.flush();
      const series = await store.query({
        measurement: 'interface',
        field: 'inBps',
        startMs: t0,
        endMs: t0 + 60_000,
        stepS: 60,
        aggregation: 'mean',
      });
      expect(series).toEqual([{ tags: {}, points: [[t0, 7]] }]);
    });

    it('latest() gives each series its newest value of every field', async () => {
      const store = await open();
      const t0 = baseMs();
      store.write([
        {
          measurement: 'node',
          tags: { node: 'a', tier: 'county', zone: 'internal', role: 'router' },
          fields: { cpuPct: 10, memPct: 40, reachable: 1 },
          timeMs: t0,
        },
        {
          measurement: 'node',
          tags: { node: 'a', tier: 'county', zone: 'internal', role: 'router' },
          fields: { cpuPct: 12, reachable: 1 },
          timeMs: t0 + 60_000,
        },
        {
          measurement: 'node',
          tags: { node: 'a', tier: 'county', zone: 'internal', role: 'router' },
          fields: { reachable: 0 },
          timeMs: t0 + 120_000,
        },
        {
          measurement: 'node',
          tags: { node: 'b', tier: 'city', zone: 'internal', role: 'switch' },
          fields: { cpuPct: 55, reachable: 1 },
          timeMs: t0 + 30_000,
        },
      ]);
      await store.flush();
      expect(await store.latest('node')).toEqual([
        {
          measurement: 'node',
          tags: { node: 'a', role: 'router', tier: 'county', zone: 'internal' },
          fields: { cpuPct: 12, memPct: 40, reachable: 0 },
          timeMs: t0 + 120_000,
        },
        {
          measurement: 'node',
          tags: { node: 'b', role: 'switch', tier: 'city', zone: 'internal' },
          fields: { cpuPct: 55, reachable: 1 },
          timeMs: t0 + 30_000,
        },
      ]);
      const onlyB = await store.latest('node', { node: 'b' });
      expect(onlyB.map((p) => p.tags.node)).toEqual(['b']);
      expect(await store.latest('noSuchMeasurement')).toEqual([]);
    });

    it('round-trips Chinese and punctuated tag values', async () => {
      const store = await open();
      const t0 = baseMs();
      const tags = { node: '淅川县 政务网,核心=1', zone: '政务内网', tier: 'county', role: "router's" };
      store.write([{ measurement: 'node', tags, fields: { cpuPct: 33 }, timeMs: t0 }]);
      await store.flush();
      const [point] = await store.latest('node', { zone: '政务内网' });
      expect(point?.tags).toEqual(tags);
      const series = await store.query({
        measurement: 'node',
        field: 'cpuPct',
        nodes: ['淅川县 政务网,核心=1'],
        startMs: t0,
        endMs: t0 + 1000,
        stepS: 60,
        aggregation: 'last',
        groupBy: ['zone'],
      });
      expect(series).toEqual([{ tags: { zone: '政务内网' }, points: [[t0, 33]] }]);
    });

    it('leaves out non-finite fields, and counts points with nothing storable as dropped', async () => {
      const store = await open();
      const t0 = baseMs();
      store.write([
        { measurement: 'node', tags: { node: 'a' }, fields: { cpuPct: Number.NaN, memPct: 20 }, timeMs: t0 },
        {
          measurement: 'node',
          tags: { node: 'b' },
          fields: { cpuPct: Number.POSITIVE_INFINITY },
          timeMs: t0,
        },
      ]);
      await store.flush();
      expect(store.health().droppedPoints).toBe(1);
      const latest = await store.latest('node');
      expect(latest).toEqual([
        { measurement: 'node', tags: { node: 'a' }, fields: { memPct: 20 }, timeMs: t0 },
      ]);
    });

    it('refuses points older than the raw retention and counts them', async () => {
      const store = await open();
      const old = Date.now() - 30 * 86_400_000;
      store.write([ifPoint('a', '1', old, 1), ifPoint('a', '1', baseMs(), 2)]);
      await store.flush();
      expect(store.health().droppedPoints).toBe(1);
      expect(store.health().lastError).not.toBeNull();
    });

    it('reads 5-minute rollups (mean, max, min) when the step is >= 5 min and the range reaches past raw retention', async () => {
      const store = await open();
      const t0 = baseMs();
      // Two 5-minute buckets: values 1..5 each minute in the first, 10 and 20 in the second.
      store.write([
        ...[1, 2, 3, 4, 5].map((v, i) => ifPoint('a', '1', t0 + i * 60_000, v)),
        ifPoint('a', '1', t0 + STEP_MS, 10),
        ifPoint('a', '1', t0 + STEP_MS + 60_000, 20),
      ]);
      await store.flush();
      await harness?.rollUp();
      const q = {
        measurement: 'interface',
        field: 'inBps',
        where: { node: 'a' },
        startMs: Date.now() - 30 * 86_400_000,
        endMs: Date.now(),
        stepS: 300,
      } as const;
      expect(await store.query({ ...q, aggregation: 'mean' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 3],
            [t0 + STEP_MS, 15],
          ],
        },
      ]);
      expect(await store.query({ ...q, aggregation: 'max' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 5],
            [t0 + STEP_MS, 20],
          ],
        },
      ]);
      expect(await store.query({ ...q, aggregation: 'min' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 1],
            [t0 + STEP_MS, 10],
          ],
        },
      ]);
      // On rollups, `last` is the mean of the last 5-minute bucket in each step.
      expect(await store.query({ ...q, aggregation: 'last' })).toEqual([
        {
          tags: {},
          points: [
            [t0, 3],
            [t0 + STEP_MS, 15],
          ],
        },
      ]);
      // On rollups, `count` is how many 5-minute buckets of the step had data.
      const [c0, c1] = [t0, t0 + STEP_MS].map((t) => Math.floor(t / 3_600_000) * 3_600_000) as [
        number,
        number,
      ];
      expect(await store.query({ ...q, stepS: 3600, aggregation: 'count' })).toEqual([
        {
          tags: {},
          points:
            c0 === c1
              ? [[c0, 2]]
              : [
                  [c0, 1],
                  [c1, 1],
                ],
        },
      ]);
      // … and `sum` the sum of their means.
      expect(await store.query({ ...q, stepS: 3600, aggregation: 'sum' })).toEqual([
        {
          tags: {},
          points:
            c0 === c1
              ? [[c0, 18]]
              : [
                  [c0, 3],
                  [c1, 15],
                ],
        },
      ]);
      // An hourly step over rollups: mean of the 5-minute means, max of maxima.
      const hourly = await store.query({ ...q, stepS: 3600, aggregation: 'max' });
      const [h0, h1] = [t0, t0 + STEP_MS].map((t) => Math.floor(t / 3_600_000) * 3_600_000) as [
        number,
        number,
      ];
      expect(hourly).toEqual([
        {
          tags: {},
          points:
            h0 === h1
              ? [[h0, 20]]
              : [
                  [h0, 5],
                  [h1, 20],
                ],
        },
      ]);
      // The same range from raw data (step < 5 min) still has every sample.
      const raw = await store.query({ ...q, startMs: t0, stepS: 60, aggregation: 'max' });
      expect(raw[0]?.points).toHaveLength(7);
    });

    it('keeps the daily reachability rollup: buckets with a reading and the sum of their means per node series and UTC day', async () => {
      const store = await open();
      const dayMs = Math.floor((Date.now() - DAY_MS) / DAY_MS) * DAY_MS - DAY_MS;
      const nodePoint = (node: string, atMs: number, reachable: number): MetricPoint => ({
        measurement: 'node',
        tags: { node, role: 'router', tier: 'county', zone: 'external' },
        fields: { reachable, pollMs: 40 },
        timeMs: atMs,
      });
      const points: MetricPoint[] = [];
      for (let bucket = 0; bucket < 288; bucket++) {
        const atMs = dayMs + bucket * STEP_MS;
        points.push(nodePoint('a', atMs, 1));
        // b: down for bucket 10, half down in bucket 11 (two polls), no reading in bucket 20.
        if (bucket === 11) points.push(nodePoint('b', atMs, 1), nodePoint('b', atMs + 60_000, 0));
        else if (bucket !== 20) points.push(nodePoint('b', atMs, bucket === 10 ? 0 : 1));
        // A `reachable` field of another measurement is not part of it.
        points.push({ measurement: 'check', tags: { node: 'a' }, fields: { reachable: 0 }, timeMs: atMs });
      }
      // The next day's first bucket: a day of its own.
      points.push(nodePoint('a', dayMs + DAY_MS, 1));
      store.write(points);
      await store.flush();
      await harness?.rollUpDaily(dayMs, dayMs + 2 * DAY_MS);
      const daily = store.queryDailyReachability?.bind(store);
      if (daily === undefined) throw new Error('the store does not keep the daily rollup');
      const tags = (node: string): Record<string, string> => ({
        node,
        role: 'router',
        tier: 'county',
        zone: 'external',
      });
      expect(await daily({ startMs: dayMs, endMs: dayMs + DAY_MS })).toEqual([
        { tags: tags('a'), days: [[dayMs, 288, 288]] },
        { tags: tags('b'), days: [[dayMs, 287, 285.5]] },
      ]);
      expect(await daily({ startMs: dayMs, endMs: dayMs + 2 * DAY_MS, nodes: ['a'] })).toEqual([
        {
          tags: tags('a'),
          days: [
            [dayMs, 288, 288],
            [dayMs + DAY_MS, 1, 1],
          ],
        },
      ]);
      expect(await daily({ startMs: dayMs + 1, endMs: dayMs + DAY_MS })).toEqual([]);
      expect(await daily({ startMs: dayMs, endMs: dayMs + DAY_MS, nodes: [] })).toEqual([]);

      // A rewritten reading changes its bucket's mean, and the day's sum with it.
      store.write([nodePoint('b', dayMs + 30 * STEP_MS, 0)]);
      await store.flush();
      await harness?.rollUpDaily(dayMs, dayMs + DAY_MS);
      expect(await daily({ startMs: dayMs, endMs: dayMs + DAY_MS, nodes: ['b'] })).toEqual([
        { tags: tags('b'), days: [[dayMs, 287, 284.5]] },
      ]);
    });

    it('holds a burst larger than one batch and reports nothing pending after flush', async () => {
      const store = await open();
      const t0 = baseMs();
      const points: MetricPoint[] = [];
      for (let n = 0; n < 200; n++) {
        for (let i = 0; i < 60; i++) points.push(ifPoint(`n${n}`, '1', t0 + i * 1000, i));
      }
      store.write(points);
      await store.flush();
      expect(store.health().pendingPoints).toBe(0);
      const series = await store.query({
        measurement: 'interface',
        field: 'inBps',
        startMs: t0,
        endMs: t0 + 60_000,
        stepS: 60,
        aggregation: 'max',
        groupBy: ['node'],
      });
      expect(series).toHaveLength(200);
      expect(series.every((s) => s.points[0]?.[1] === 59)).toBe(true);
    });
  });
}
