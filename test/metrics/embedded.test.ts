import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedMetricsStore } from '../../metrics/embedded/store';
import { memoryLogger } from '../../metrics/logger';
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
      retention: { rawRetentionDays: 1, rollupRetentionDays: 3 },
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
      retention: { rawRetentionDays: 1, rollupRetentionDays: 3 },
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
      retention: { rawRetentionDays: 1, rollupRetentionDays: 3 },
      now: () => nowMs,
    });
    await last.init();
    expect(await last.query({ ...q, stepS: 300, aggregation: 'max' })).toEqual([]);
    await last.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad path with a clear error', async () => {
    const store = new EmbeddedMetricsStore({ path: '/nonexistent-dir/x/metrics.db', logger: memoryLogger() });
    await expect(store.init()).rejects.toThrow(/cannot open embedded store \/nonexistent-dir\/x\/metrics.db/);
  });
});
