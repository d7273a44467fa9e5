/**
 * The InfluxDB store against a real influxd (Debian's influxdb 1.6): the shared contract, the
 * retention policies and continuous query, and the outage spool (kill influxd mid-run, keep writing,
 * restart it, count the points).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InfluxMetricsStore, type InfluxStoreOptions } from '../../metrics/influx/store';
import {
  applyInfluxSchema,
  checkInfluxSchema,
  continuousQueriesOf,
  expectedInfluxSchema,
  rollupSelect,
} from '../../metrics/influx/schema';
import { DEFAULT_RETENTION } from '../../metrics/retention';
import { backfillDailyRollup } from '../../metrics/influx/daily-backfill';
import { memoryLogger } from '../../common';
import type { MetricPoint } from '../../domain';
import { startInfluxd, type Influxd } from '../support/influxd';
import { metricsStoreContract } from '../metrics/contract';

let influxd: Influxd;
let databaseCounter = 0;
const tempDirs: string[] = [];

beforeAll(async () => {
  influxd = await startInfluxd();
});

afterAll(async () => {
  await influxd?.destroy();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'egov-spool-'));
  tempDirs.push(dir);
  return dir;
}

function makeStore(database: string, opts: Partial<InfluxStoreOptions> = {}): InfluxMetricsStore {
  return new InfluxMetricsStore({
    host: '127.0.0.1',
    port: influxd.port,
    database,
    spoolDir: spoolDir(),
    logger: memoryLogger(),
    retryIntervalMs: 100,
    ...opts,
  });
}

async function influxQuery(database: string, q: string): Promise<unknown> {
  const res = await fetch(`${influxd.url}/query?${new URLSearchParams({ db: database, q, epoch: 'ms' })}`, {
    method: 'POST',
  });
  return res.json();
}

async function countPoints(database: string, measurement: string, field: string): Promise<number> {
  const body = (await influxQuery(database, `SELECT count("${field}") FROM "raw"."${measurement}"`)) as {
    results: Array<{ series?: Array<{ values: Array<[number, number]> }> }>;
  };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

metricsStoreContract('InfluxDB 1.x', () => {
  const database = `contract_${++databaseCounter}`;
  const store = makeStore(database);
  return Promise.resolve({
    store,
    // What the continuous query does every 5 minutes, run now over everything written.
    rollUp: async () => {
      await store.flush();
      await influxQuery(database, rollupSelect(database, DEFAULT_RETENTION, 'time > now() - 1d'));
    },
    // The 5-minute CQ over the range, then the daily rollup as the product backfills it.
    rollUpDaily: async (fromMs, toMs) => {
      await store.flush();
      await influxQuery(
        database,
        rollupSelect(database, DEFAULT_RETENTION, `time >= ${fromMs}ms AND time < ${toMs}ms`),
      );
      const log = memoryLogger();
      const outcome = await backfillDailyRollup(
        { influx: store.client, database, retention: DEFAULT_RETENTION, log },
        fromMs,
        toMs,
      );
      expect(outcome.failedDays).toBe(0);
    },
    cleanup: async () => {
      await store.close();
      await influxQuery(database, `DROP DATABASE "${database}"`);
    },
  });
});

describe('InfluxDB schema lifecycle', () => {
  it('creates the database, retention policies and continuous query on init', async () => {
    const store = makeStore('schema_init');
    await store.init();
    const client = new InfluxDB({ host: '127.0.0.1', port: influxd.port });
    const rps = await client.showRetentionPolicies('schema_init');
    expect(rps.find((rp) => rp.name === 'raw')).toMatchObject({ duration: '168h0m0s', default: true });
    expect(rps.find((rp) => rp.name === 'rollup_400d')).toMatchObject({
      duration: '9600h0m0s',
      default: false,
    });
    expect(rps.find((rp) => rp.name === 'rollup_1d')).toMatchObject({
      duration: '19200h0m0s',
      default: false,
    });
    const cqs = await continuousQueriesOf(client, 'schema_init');
    expect(cqs.map((cq) => cq.name).sort()).toEqual(['cq_rollup_1d', 'cq_rollup_5m']);
    const fiveMinute = cqs.find((cq) => cq.name === 'cq_rollup_5m');
    expect(fiveMinute?.query).toContain('RESAMPLE EVERY 5m FOR 1h');
    expect(fiveMinute?.query).toContain(
      'SELECT mean(*), max(*), min(*) INTO schema_init.rollup_400d.:MEASUREMENT',
    );
    const daily = cqs.find((cq) => cq.name === 'cq_rollup_1d');
    expect(daily?.query).toContain('RESAMPLE EVERY 1h FOR 2d');
    expect(daily?.query).toContain('INTO schema_init.rollup_1d.node FROM schema_init.rollup_400d.node');
    const items = await checkInfluxSchema(client, store.expected);
    expect(items.every((item) => item.status === 'present')).toBe(true);
    await store.close();
  });

  it('reports a changed policy and a changed query as different, and init upgrades them', async () => {
    const client = new InfluxDB({ host: '127.0.0.1', port: influxd.port });
    const expected = expectedInfluxSchema('schema_upgrade', DEFAULT_RETENTION);
    await applyInfluxSchema(client, expected);
    await client.alterRetentionPolicy('raw', {
      database: 'schema_upgrade',
      duration: '2d',
      replication: 1,
      isDefault: true,
    });
    await client.dropContinuousQuery('cq_rollup_5m', 'schema_upgrade');
    await client.query(
      'CREATE CONTINUOUS QUERY cq_rollup_5m ON schema_upgrade BEGIN SELECT mean(*) INTO schema_upgrade.rollup_400d.:MEASUREMENT FROM schema_upgrade.raw./.*/ GROUP BY time(5m), * END',
      { database: 'schema_upgrade' },
    );
    const before = await checkInfluxSchema(client, expected);
    expect(before.map((i) => `${i.kind}/${i.name}/${i.status}`)).toEqual([
      'database/schema_upgrade/present',
      'retention policy/raw/different',
      'retention policy/rollup_400d/present',
      'retention policy/rollup_1d/present',
      'continuous query/cq_rollup_5m/different',
      'continuous query/cq_rollup_1d/present',
    ]);
    expect(before[1]?.detail).toContain('duration 48h0m0s, want 168h');

    const store = makeStore('schema_upgrade');
    await store.init();
    const after = await checkInfluxSchema(client, expected);
    expect(after.every((item) => item.status === 'present')).toBe(true);
    await store.close();
  });

  it('reports everything missing for a database that does not exist', async () => {
    const client = new InfluxDB({ host: '127.0.0.1', port: influxd.port });
    const items = await checkInfluxSchema(client, expectedInfluxSchema('never_created', DEFAULT_RETENTION));
    expect(items.map((i) => i.status)).toEqual([
      'missing',
      'missing',
      'missing',
      'missing',
      'missing',
      'missing',
    ]);
  });

  it('builds the daily rollup of 5-minute rollups written before it existed, once', async () => {
    const database = 'daily_upgrade';
    const client = new InfluxDB({ host: '127.0.0.1', port: influxd.port });
    // An install from before the daily rollup: its schema without rollup_1d, a month of 5-minute rollups.
    const old = expectedInfluxSchema(database, DEFAULT_RETENTION);
    await applyInfluxSchema(client, {
      ...old,
      retentionPolicies: old.retentionPolicies.filter((rp) => rp.name !== 'rollup_1d'),
      continuousQueries: old.continuousQueries.filter((cq) => cq.name !== 'cq_rollup_1d'),
    });
    const firstDayMs = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 30 * 86_400_000;
    const lines: string[] = [];
    for (let atMs = firstDayMs; atMs < firstDayMs + 3 * 86_400_000; atMs += 300_000) {
      const down = atMs >= firstDayMs + 86_400_000 && atMs < firstDayMs + 86_400_000 + 3_600_000;
      lines.push(`node,node=xichuan-gw,tier=county mean_reachable=${down ? 0 : 1} ${atMs}`);
    }
    const params = new URLSearchParams({ db: database, rp: 'rollup_400d', precision: 'ms' });
    const written = await fetch(`${influxd.url}/write?${params}`, { method: 'POST', body: lines.join('\n') });
    expect(written.status).toBe(204);

    const logger = memoryLogger();
    const store = makeStore(database, { logger });
    await store.init();
    await store.dailyBackfillDone();
    const tags = { node: 'xichuan-gw', tier: 'county' };
    expect(
      await store.queryDailyReachability({ startMs: firstDayMs, endMs: firstDayMs + 3 * 86_400_000 }),
    ).toEqual([
      {
        tags,
        days: [
          [firstDayMs, 288, 288],
          [firstDayMs + 86_400_000, 288, 276],
          [firstDayMs + 2 * 86_400_000, 288, 288],
        ],
      },
    ]);
    await store.close();
    expect(
      logger.lines.filter((l) => l.msg.startsWith('building the daily reachability rollup')),
    ).toHaveLength(1);

    // Started again: the marker says it is done.
    const againLogger = memoryLogger();
    const again = makeStore(database, { logger: againLogger });
    await again.init();
    await again.dailyBackfillDone();
    await again.close();
    expect(againLogger.lines.some((l) => l.msg.startsWith('building the daily reachability rollup'))).toBe(
      false,
    );
  });
});

/** Unique series × time, so every point is a distinct point in InfluxDB. */
function pointsAt(round: number, perRound: number, t0: number): MetricPoint[] {
  return Array.from({ length: perRound }, (_, i) => ({
    measurement: 'interface',
    tags: { node: `node-${i % 100}`, ifIndex: String(Math.floor(i / 100)), tier: 'county', zone: 'internal' },
    fields: { inBps: round * 1000 + i, outBps: i },
    timeMs: t0 + round * 1000,
  }));
}

describe('outage safety', () => {
  it('loses no point when influxd is killed mid-run and restarted', async () => {
    const logger = memoryLogger();
    const store = makeStore('outage', { batchSize: 500, flushIntervalMs: 50, logger });
    await store.init();
    const t0 = Date.now() - 3_600_000;
    const perRound = 1000;
    let written = 0;
    let round = 0;
    const writeRounds = async (rounds: number): Promise<void> => {
      for (let r = 0; r < rounds; r++) {
        store.write(pointsAt(round++, perRound, t0));
        written += perRound;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    await writeRounds(20);
    await influxd.stop({ kill: true });
    await writeRounds(30);
    await vi.waitFor(() => {
      expect(store.health().backendUp).toBe(false);
      expect(store.health().spooledPoints).toBeGreaterThan(0);
    });
    const during = store.health();
    expect(during.backendUp).toBe(false);
    expect(during.spooledPoints).toBeGreaterThan(0);
    expect(during.droppedPoints).toBe(0);
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('unreachable'))).toBe(true);
    await expect(
      store.query({
        measurement: 'interface',
        field: 'inBps',
        startMs: t0,
        endMs: Date.now(),
        stepS: 60,
        aggregation: 'max',
      }),
    ).rejects.toThrow(/InfluxDB at http:\/\/127\.0\.0\.1:\d+ did not answer a query: .*ECONNREFUSED/);

    await influxd.restart();
    await writeRounds(10);
    await store.flush();
    const after = store.health();
    expect(after).toMatchObject({ pendingPoints: 0, spooledPoints: 0, droppedPoints: 0, backendUp: true });
    expect(await countPoints('outage', 'interface', 'inBps')).toBe(written);
    expect(readdirSync(store.spoolDir)).toEqual([]);
    await store.close();
  });

  it('counts and logs what does not fit in the spool, and keeps what does', async () => {
    const logger = memoryLogger();
    const store = makeStore('overflow', { batchSize: 1000, spoolMaxPoints: 5000, logger });
    await store.init();
    const t0 = Date.now() - 3_600_000;
    await influxd.stop();
    for (let r = 0; r < 8; r++) store.write(pointsAt(r, 1000, t0));
    await store.flush();
    const down = store.health();
    expect(down.spooledPoints).toBe(5000);
    expect(down.droppedPoints).toBe(3000);
    expect(down.lastError).toBe('spool full');
    expect(logger.lines.some((l) => l.level === 'error' && l.msg === 'metrics points dropped')).toBe(true);

    await influxd.restart();
    await store.flush();
    expect(store.health()).toMatchObject({ spooledPoints: 0, pendingPoints: 0, droppedPoints: 3000 });
    expect(await countPoints('overflow', 'interface', 'inBps')).toBe(5000);
    await store.close();
  });

  it('rolls up replayed points that are older than the continuous query window', async () => {
    const store = makeStore('backfill', { batchSize: 1000 });
    await store.init();
    const t0 = Math.floor((Date.now() - 3 * 3_600_000) / 300_000) * 300_000; // 3 h ago: beyond RESAMPLE FOR 1h
    await influxd.stop();
    store.write(
      [1, 2, 3].map((v, i) => ({
        measurement: 'node',
        tags: { node: 'a' },
        fields: { cpuPct: v, reachable: 1 },
        timeMs: t0 + i * 1000,
      })),
    );
    await store.flush();
    expect(store.health().spooledPoints).toBe(3);
    await influxd.restart();
    await store.flush();
    const body = (await influxQuery(
      'backfill',
      'SELECT mean_cpuPct, max_cpuPct, min_cpuPct FROM rollup_400d.node',
    )) as {
      results: Array<{ series?: Array<{ values: number[][] }> }>;
    };
    expect(body.results[0]?.series?.[0]?.values).toEqual([[t0, 2, 3, 1]]);
    // … and the daily reachability rollup of its day.
    const dayMs = Math.floor(t0 / 86_400_000) * 86_400_000;
    expect(await store.queryDailyReachability({ startMs: dayMs, endMs: dayMs + 86_400_000 })).toEqual([
      { tags: { node: 'a' }, days: [[dayMs, 1, 1]] },
    ]);
    await store.close();
  });

  it('starts while influxd is down, spools, and sets the database up when it answers', async () => {
    await influxd.stop();
    const logger = memoryLogger();
    const store = makeStore('late_start', { batchSize: 1000, logger });
    await store.init();
    expect(store.health().backendUp).toBe(false);
    expect(logger.lines.some((l) => l.msg.includes('unreachable at start'))).toBe(true);
    const t0 = Date.now() - 3_600_000;
    for (let r = 0; r < 3; r++) store.write(pointsAt(r, 1000, t0));
    await store.flush();
    expect(store.health().spooledPoints).toBe(3000);
    await influxd.restart();
    await store.flush();
    expect(store.health()).toMatchObject({
      backendUp: true,
      spooledPoints: 0,
      pendingPoints: 0,
      droppedPoints: 0,
    });
    expect(await countPoints('late_start', 'interface', 'inBps')).toBe(3000);
    const client = new InfluxDB({ host: '127.0.0.1', port: influxd.port });
    expect((await checkInfluxSchema(client, store.expected)).every((i) => i.status === 'present')).toBe(true);
    await store.close();
  });

  it('replays a spool left by an earlier process on the next start', async () => {
    const dir = spoolDir();
    const first = makeStore('handover', { batchSize: 1000, spoolDir: dir });
    await first.init();
    const t0 = Date.now() - 3_600_000;
    await influxd.stop();
    for (let r = 0; r < 4; r++) first.write(pointsAt(r, 1000, t0));
    await first.close();
    expect(first.health().spooledPoints).toBe(4000);

    await influxd.restart();
    const second = makeStore('handover', { batchSize: 1000, spoolDir: dir });
    await second.init();
    await second.flush();
    expect(second.health().spooledPoints).toBe(0);
    expect(await countPoints('handover', 'interface', 'inBps')).toBe(4000);
    await second.close();
  });
});
