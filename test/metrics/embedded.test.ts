import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedMetricsStore } from '../../metrics/embedded/store';
import { memoryLogger } from '../../common';
import { metricsStoreContract } from './contract';

function tempDbPath(): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'egov-metrics-'));
  return { dir, path: join(dir, 'metrics.db') };
}

metricsStoreContract('embedded (SQLite)', () => {
  const { dir, path } = tempDbPath();
  const store = new EmbeddedMetricsStore({ path, logger: memoryLogger() });
  return Promise.resolve({
    store,
    rollUp: () => store.flush(),
    rollUpDaily: () => store.flush(),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('embedded store specifics', () => {
  it('keeps series, fields and samples across a reopen', async () => {
    const { dir, path } = tempDbPath();
    const t0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
    const first = new EmbeddedMetricsStore({ path, logger: memoryLogger() });
    await first.init();
    first.write([
      { measurement: 'host', tags: { host: 'noc-1' }, fields: { cpuPct: 5, diskPct: 70 }, timeMs: t0 },
    ]);
    await first.close();

    const second = new EmbeddedMetricsStore({ path, logger: memoryLogger() });
    await second.init();
    second.write([
      { measurement: 'host', tags: { host: 'noc-1' }, fields: { cpuPct: 9 }, timeMs: t0 + 60_000 },
    ]);
    await second.flush();
    expect(await second.latest('host')).toEqual([
      {
        measurement: 'host',
        tags: { host: 'noc-1' },
        fields: { cpuPct: 9, diskPct: 70 },
        timeMs: t0 + 60_000,
      },
    ]);
    const series = await second.query({
      measurement: 'host',
      field: 'cpuPct',
      startMs: t0,
      endMs: t0 + 120_000,
      stepS: 60,
      aggregation: 'mean',
    });
    expect(series).toEqual([
      {
        tags: {},
        points: [
          [t0, 5],
          [t0 + 60_000, 9],
        ],
      },
    ]);
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prunes raw samples past retention and keeps their rollups', async () => {
    const { dir, path } = tempDbPath();
    let nowMs = Date.now();
    const t0 = Math.floor((nowMs - 3_600_000) / 300_000) * 300_000;
    const store = new EmbeddedMetricsStore({
      path,
      logger: memoryLogger(),
      retention: { rawRetentionDays: 1, rollupRetentionDays: 3, dailyRetentionDays: 3 },
      now: () => nowMs,
    });
    await store.init();
    store.write(
      [1, 2, 3].map((v, i) => ({
        measurement: 'host',
        tags: { host: 'h' },
        fields: { cpuPct: v },
        timeMs: t0 + i * 1000,
      })),
    );
    await store.flush();
    await store.close();

    nowMs += 2 * 86_400_000; // two days later: raw expired, rollup kept
    const later = new EmbeddedMetricsStore({
      path,
      logger: memoryLogger(),
      retention: { rawRetentionDays: 1, rollupRetentionDays: 3, dailyRetentionDays: 3 },
      now: () => nowMs,
    });
    await later.init();
    const q = { measurement: 'host', field: 'cpuPct', startMs: t0 - 86_400_000, endMs: nowMs } as const;
    expect(await later.query({ ...q, stepS: 60, aggregation: 'max' })).toEqual([]);
    expect(await later.query({ ...q, stepS: 300, aggregation: 'max' })).toEqual([
      { tags: {}, points: [[t0, 3]] },
    ]);
    await later.close();

    nowMs += 2 * 86_400_000; // four days: rollup expired too
    const last = new EmbeddedMetricsStore({
      path,
      logger: memoryLogger(),
      retention: { rawRetentionDays: 1, rollupRetentionDays: 3, dailyRetentionDays: 3 },
      now: () => nowMs,
    });
    await last.init();
    expect(await last.query({ ...q, stepS: 300, aggregation: 'max' })).toEqual([]);
    await last.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds values into rollups across batches, and a rewritten sample re-rolls its bucket', async () => {
    const { dir, path } = tempDbPath();
    const store = new EmbeddedMetricsStore({ path, logger: memoryLogger() });
    await store.init();
    const t0 = Math.floor((Date.now() - 3_600_000) / 300_000) * 300_000;
    const at = (i: number, v: number) => ({
      measurement: 'host',
      tags: { host: 'h' },
      fields: { cpuPct: v },
      timeMs: t0 + i * 1000,
    });
    const rollup = async (aggregation: 'mean' | 'max' | 'min') =>
      (
        await store.query({
          measurement: 'host',
          field: 'cpuPct',
          startMs: Date.now() - 30 * 86_400_000,
          endMs: Date.now(),
          stepS: 300,
          aggregation,
        })
      )[0]?.points;
    store.write([at(0, 1), at(1, 2)]);
    await store.flush();
    store.write([at(2, 3)]);
    await store.flush();
    expect(await rollup('mean')).toEqual([[t0, 2]]);
    store.write([at(0, 10)]);
    await store.flush();
    expect(await rollup('mean')).toEqual([[t0, 5]]);
    expect(await rollup('max')).toEqual([[t0, 10]]);
    expect(await rollup('min')).toEqual([[t0, 2]]);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database, its WAL and its folder readable by their owner only', async () => {
    const { dir, path } = tempDbPath();
    chmodSync(dir, 0o755);
    const store = new EmbeddedMetricsStore({ path, logger: memoryLogger() });
    await store.init();
    store.write([{ measurement: 'node', tags: { node: 'n1' }, fields: { cpuPct: 1 }, timeMs: Date.now() }]);
    await store.flush();
    try {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      for (const file of [path, `${path}-wal`, `${path}-shm`])
        expect(statSync(file).mode & 0o777, file).toBe(0o600);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts a failed batch as dropped and files later points under their own series and fields', async () => {
    const { dir, path } = tempDbPath();
    const store = new EmbeddedMetricsStore({ path, logger: memoryLogger() });
    await store.init();
    const timeMs = Date.now() - 60_000;
    // More distinct field names than the store can number: the whole batch's transaction rolls back,
    // taking with it the ids it handed out for the series and the first 65,535 names.
    const tooManyFields = Object.fromEntries(Array.from({ length: 65_536 }, (_, i) => [`f${i}`, i]));
    store.write([{ measurement: 'wide', tags: { node: 'n1' }, fields: tooManyFields, timeMs }]);
    await store.flush();
    expect(store.health()).toMatchObject({ droppedPoints: 1, backendUp: false });
    expect(store.health().lastError).toMatch(/more than 65,535 distinct field names/);

    // SQLite hands the rolled-back ids out again: each must now name what was written with it.
    store.write([{ measurement: 'host', tags: { host: 'h1' }, fields: { cpuPct: 5 }, timeMs }]);
    store.write([{ measurement: 'wide', tags: { node: 'n1' }, fields: { f0: 7 }, timeMs }]);
    await store.flush();
    expect(store.health()).toMatchObject({ droppedPoints: 1, backendUp: true });
    expect(await store.latest('host')).toEqual([
      { measurement: 'host', tags: { host: 'h1' }, fields: { cpuPct: 5 }, timeMs },
    ]);
    expect(await store.latest('wide')).toEqual([
      { measurement: 'wide', tags: { node: 'n1' }, fields: { f0: 7 }, timeMs },
    ]);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a rewritten time replaces its value and re-rolls its bucket, within one batch and after a reopen', async () => {
    const { dir, path } = tempDbPath();
    const t0 = Math.floor((Date.now() - 3_600_000) / 300_000) * 300_000;
    const at = (i: number, v: number) => ({
      measurement: 'host',
      tags: { host: 'h' },
      fields: { cpuPct: v },
      timeMs: t0 + i * 1000,
    });
    const rollupMax = async (store: EmbeddedMetricsStore) =>
      (
        await store.query({
          measurement: 'host',
          field: 'cpuPct',
          startMs: Date.now() - 30 * 86_400_000,
          endMs: Date.now(),
          stepS: 300,
          aggregation: 'max',
        })
      )[0]?.points;
    const first = new EmbeddedMetricsStore({ path, logger: memoryLogger() });
    await first.init();
    first.write([at(0, 1), at(1, 50), at(1, 2), at(2, 3)]); // the same time twice in one batch: the last wins
    await first.flush();
    expect(await rollupMax(first)).toEqual([[t0, 3]]);
    await first.close();
    const second = new EmbeddedMetricsStore({ path, logger: memoryLogger() });
    await second.init();
    second.write([at(2, 40), at(3, 4)]); // a new writer knows nothing of what the file holds
    await second.flush();
    expect(await rollupMax(second)).toEqual([[t0, 40]]);
    expect(second.health()).toMatchObject({ droppedPoints: 0, backendUp: true });
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a read sees every point written before it, without a flush', async () => {
    const { dir, path } = tempDbPath();
    const store = new EmbeddedMetricsStore({ path, logger: memoryLogger(), flushIntervalMs: 3_600_000 });
    await store.init();
    const timeMs = Date.now() - 60_000;
    store.write([{ measurement: 'host', tags: { host: 'h1' }, fields: { cpuPct: 7 }, timeMs }]);
    expect(await store.latest('host')).toEqual([
      { measurement: 'host', tags: { host: 'h1' }, fields: { cpuPct: 7 }, timeMs },
    ]);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drops and counts a batch the writer thread has no room for, and keeps the rest', async () => {
    const { dir, path } = tempDbPath();
    const store = new EmbeddedMetricsStore({
      path,
      logger: memoryLogger(),
      batchSize: 100,
      maxQueuedPoints: 150,
    });
    await store.init();
    const timeMs = Date.now() - 60_000;
    const burst = (from: number) =>
      Array.from({ length: 100 }, (_, i) => ({
        measurement: 'host',
        tags: { host: `h${from + i}` },
        fields: { cpuPct: 1 },
        timeMs,
      }));
    store.write(burst(0)); // handed over: 100 queued
    store.write(burst(100)); // 200 > 150: dropped, counted
    expect(store.health()).toMatchObject({ droppedPoints: 100 });
    expect(store.health().lastError).toMatch(/queue full/);
    await store.flush();
    expect(await store.latest('host')).toHaveLength(100);
    expect(store.health().pendingPoints).toBe(0);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits in its writer thread: the event loop keeps turning while a large batch is written', async () => {
    const { dir, path } = tempDbPath();
    const store = new EmbeddedMetricsStore({ path, logger: memoryLogger(), batchSize: 50_000 });
    await store.init();
    const timeMs = Date.now() - 60_000;
    store.write(
      Array.from({ length: 50_000 }, (_, i) => ({
        measurement: 'interface',
        tags: { node: `n${i % 500}`, ifIndex: String(i) },
        fields: { inBps: i, outBps: i, inUtilPct: 1, outUtilPct: 1 },
        timeMs,
      })),
    );
    // Handed over and not yet committed; meanwhile this thread runs other callbacks.
    expect(store.health().pendingPoints).toBe(50_000);
    let turns = 0;
    while (store.health().pendingPoints > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
    expect(turns).toBeGreaterThan(1);
    expect(await store.latest('interface', { node: 'n7', ifIndex: '7' })).toHaveLength(1);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad path with a clear error', async () => {
    const store = new EmbeddedMetricsStore({ path: '/nonexistent-dir/x/metrics.db', logger: memoryLogger() });
    await expect(store.init()).rejects.toThrow(/cannot open embedded store \/nonexistent-dir\/x\/metrics.db/);
  });
});
