/**
 * MetricsStore on InfluxDB 1.x through the `influx` client.
 *
 * Writes (`write-queue.ts`): points are cut into batches of `batchSize` (or whatever is buffered
 * every `flushIntervalMs`) and sent with up to `maxInFlight` batches in flight. When InfluxDB cannot
 * be reached, batches go to the on-disk Spool (`spool.ts`, in the order they were cut) and a probe
 * (`probe.ts`) pings the server every `retryIntervalMs`; once it answers, the spool is replayed
 * oldest first (`replay.ts`), `maxInFlight` batches at a time, while new batches go straight to the
 * server. A batch InfluxDB rejects as malformed (HTTP 400) is not retried: its points are counted as
 * dropped and logged (`health.ts`). Replayed points older than the continuous query's resample
 * window are rolled up by a one-off backfill query (`rollup-backfill.ts`). Reads: `queries.ts`.
 * Once the schema is set up, the daily reachability rollup of 5-minute rollups written before it
 * existed is built in the background (`daily-backfill.ts`; `dailyBackfillDone()` waits for it).
 */
import type { InfluxDB } from 'influx';
import type { DailyQuery, DailySeries, MetricsStore, RangeQuery, Series, StoreHealth } from '../types';
import type { MetricPoint } from '../../domain';
import type { Logger } from '../../common';
import { DEFAULT_RETENTION, checkRetention, type RetentionSettings } from '../retention';
import { sanitizePoints } from '../sanitize';
import { answeredHttp, createInfluxClient, errorText, writeBatch } from './client';
import { BackendHealth } from './health';
import { RecoveryProbe } from './probe';
import { ensureDailyBackfill } from './daily-backfill';
import { queryDailyReachability, queryLatest, queryRange, type QueryTarget } from './queries';
import { SpoolReplay } from './replay';
import { backfillRollups } from './rollup-backfill';
import { applyInfluxSchema, expectedInfluxSchema, type ExpectedInfluxSchema } from './schema';
import { Spool } from './spool';
import { SpoolQueue } from './spool-queue';
import { WriteQueue } from './write-queue';

const BACKFILL_TIMEOUT_MS = 300_000;

export interface InfluxStoreOptions {
  host: string;
  port: number;
  database: string;
  protocol?: 'http' | 'https';
  username?: string;
  password?: string;
  retention?: RetentionSettings;
  /** Points per write request (default 5,000). */
  batchSize?: number;
  /** Send a partial batch after this long (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Concurrent write requests (default 3). */
  maxInFlight?: number;
  /** Batches waiting in memory for a free slot before they overflow to the spool (default 20). */
  maxQueuedBatches?: number;
  /** HTTP timeout per request (default 10,000 ms). */
  requestTimeoutMs?: number;
  /** How often to probe a server that is down (default 1,000 ms). */
  retryIntervalMs?: number;
  spoolDir: string;
  /** Spool bounds (defaults 2,000,000 points, 512 MiB). */
  spoolMaxPoints?: number;
  spoolMaxBytes?: number;
  logger: Logger;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
}

export class InfluxMetricsStore implements MetricsStore {
  readonly kind = 'influx' as const;
  readonly database: string;
  /** Server address without credentials, for messages. */
  readonly url: string;
  readonly retention: RetentionSettings;
  readonly expected: ExpectedInfluxSchema;
  private readonly influx: InfluxDB;
  /** The daily rollup backfill's client: the same server, a longer timeout. */
  private readonly backfillInflux: InfluxDB;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly flushIntervalMs: number;
  private readonly spool: Spool;
  private readonly status: BackendHealth;
  private readonly spoolQueue: SpoolQueue;
  private readonly queue: WriteQueue;
  private readonly replay: SpoolReplay;
  private readonly probe: RecoveryProbe;

  private flushTimer: NodeJS.Timeout | null = null;
  private opened = false;
  /** init() could not reach the server: create the database and policies once it answers. */
  private schemaPending = false;
  private closed = false;
  /** The one-off daily rollup backfill after the schema was first set up (never rejects). */
  private dailyBackfill: Promise<void> | null = null;

  constructor(opts: InfluxStoreOptions) {
    this.database = opts.database;
    this.url = `${opts.protocol ?? 'http'}://${opts.host}:${opts.port}`;
    this.retention = checkRetention(opts.retention ?? DEFAULT_RETENTION);
    this.expected = expectedInfluxSchema(opts.database, this.retention);
    this.log = opts.logger;
    this.now = opts.now ?? Date.now;
    this.flushIntervalMs = opts.flushIntervalMs ?? 1000;
    const maxInFlight = opts.maxInFlight ?? 3;
    const clientOptions = {
      host: opts.host,
      port: opts.port,
      protocol: opts.protocol ?? 'http',
      database: opts.database,
      ...(opts.username === undefined ? {} : { username: opts.username, password: opts.password ?? '' }),
    };
    this.influx = createInfluxClient({ ...clientOptions, requestTimeoutMs: opts.requestTimeoutMs ?? 10_000 });
    // A day of a province's 5-minute rollups in one statement: more than a write's 10 s under load.
    this.backfillInflux = createInfluxClient({
      ...clientOptions,
      requestTimeoutMs: Math.max(opts.requestTimeoutMs ?? 0, BACKFILL_TIMEOUT_MS),
    });
    this.spool = new Spool(
      opts.spoolDir,
      {
        maxPoints: opts.spoolMaxPoints ?? 2_000_000,
        maxBytes: opts.spoolMaxBytes ?? 512 * 1024 * 1024,
        segmentBytes: 16 * 1024 * 1024,
      },
      (points, path) => this.status.countDropped(points, `damaged line in spool segment ${path}`),
    );
    this.status = new BackendHealth(this.log, this.database, this.spool);
    const dropped = (points: number, reason: string): void => this.status.countDropped(points, reason);
    const isUp = (): boolean => this.status.up;
    const send = (points: MetricPoint[]): Promise<void> => writeBatch(this.influx, this.database, points);
    this.spoolQueue = new SpoolQueue(this.spool, { dropped, settled: () => this.queue.notifyIfIdle() });
    this.queue = new WriteQueue(
      { batchSize: opts.batchSize ?? 5000, maxInFlight, maxQueuedBatches: opts.maxQueuedBatches ?? 20 },
      {
        writeBatch: send,
        isUp,
        written: () => this.markUp(),
        outage: (error) => this.markDown(error),
        dropped,
        spool: (batches) => this.spoolQueue.append(batches),
      },
    );
    this.replay = new SpoolReplay(this.spoolQueue, maxInFlight, {
      writeBatch: send,
      isUp,
      dropped,
      outage: (error) => this.markDown(error),
      replayFailed: (error) => {
        // Only a failing disk gets here; the points stay in the spool for the next attempt.
        this.log.error({ spoolDir: this.spool.dir, error: errorText(error) }, 'metrics spool replay failed');
        this.markDown(new Error(`spool replay failed: ${errorText(error)}`));
      },
      finished: () => this.queue.notifyIfIdle(),
      backfill: (replayed) =>
        backfillRollups(
          { influx: this.backfillInflux, database: this.database, retention: this.retention, log: this.log },
          replayed,
          this.now(),
        ),
    });
    this.probe = new RecoveryProbe(this.influx, opts.retryIntervalMs ?? 1000, {
      isUp,
      isClosed: () => this.closed,
      needsSchema: () => this.schemaPending || /database not found/.test(this.status.lastError ?? ''),
      setUpSchema: () => this.setUpSchema(),
      schemaFailed: (reason) => {
        this.status.lastError = reason;
      },
      reachable: () => {
        this.markUp();
        this.queue.pump();
      },
    });
  }

  /** Where batches go while InfluxDB is unreachable. */
  get spoolDir(): string {
    return this.spool.dir;
  }

  /** The underlying client, for `egov-noc influx check` and benchmarks. */
  get client(): InfluxDB {
    return this.influx;
  }

  async init(): Promise<void> {
    if (!this.opened) {
      await this.spool.open();
      this.opened = true;
      if (this.spool.points > 0) {
        this.log.warn(
          { spoolDir: this.spool.dir, spooledPoints: this.spool.points },
          'metrics spool holds points from an earlier run; replaying them',
        );
      }
      this.flushTimer = setInterval(() => this.queue.cut(), this.flushIntervalMs);
      this.flushTimer.unref();
    }
    try {
      await this.setUpSchema();
    } catch (error) {
      if (answeredHttp(error)) {
        // The server answered and said no (credentials, permissions): a setting to fix, not an outage.
        throw new Error(
          `metrics: cannot set up InfluxDB database "${this.database}" at ${this.url}: ${errorText(error)}`,
          { cause: error },
        );
      }
      // Not reachable right now: start anyway and spool, so a collector restarted during an outage
      // loses nothing; the schema is set up when the server answers.
      this.schemaPending = true;
      this.log.warn(
        { database: this.database, url: this.url, error: errorText(error), spoolDir: this.spool.dir },
        'influxdb unreachable at start; spooling points until it answers',
      );
      this.markDown(error);
      return;
    }
    this.markUp();
  }

  write(points: MetricPoint[]): void {
    if (this.closed) throw new Error('metrics store: write() after close()');
    if (!this.opened) throw new Error('metrics store: write() before init()');
    const { valid, invalid } = sanitizePoints(points);
    if (invalid > 0)
      this.status.countDropped(invalid, 'points without a measurement or a finite numeric field');
    this.queue.add(valid);
  }

  async flush(): Promise<void> {
    this.queue.cut();
    if (!this.status.up) await this.probe.run();
    for (;;) {
      await this.queue.waitIdle();
      await this.spoolQueue.idle();
      if (this.status.up && this.spool.points > 0) {
        await this.replay.start();
        continue;
      }
      const replaying = this.replay.inProgress;
      if (replaying !== null) {
        await replaying;
        continue;
      }
      if (this.queue.drained) return;
    }
  }

  query(q: RangeQuery): Promise<Series[]> {
    return queryRange(this.queryTarget(), q);
  }

  queryDailyReachability(q: DailyQuery): Promise<DailySeries[]> {
    return queryDailyReachability(this.queryTarget(), q);
  }

  /** Resolves when the background daily rollup backfill has ended (at once if none was started). */
  async dailyBackfillDone(): Promise<void> {
    await this.dailyBackfill;
  }

  latest(measurement: string, where?: Record<string, string>): Promise<MetricPoint[]> {
    return queryLatest(this.queryTarget(), measurement, where);
  }

  health(): StoreHealth {
    return this.status.report(this.queue.pointsInMemory);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.dailyBackfill;
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    this.flushTimer = null;
    this.probe.cancel();
    if (this.spool.points > 0) {
      this.log.warn(
        { spoolDir: this.spool.dir, spooledPoints: this.spool.points },
        'metrics store closed with points in the spool; they are replayed on the next start',
      );
    }
  }

  private queryTarget(): QueryTarget {
    return {
      influx: this.influx,
      database: this.database,
      url: this.url,
      retention: this.retention,
      nowMs: this.now(),
    };
  }

  private async setUpSchema(): Promise<void> {
    const found = await applyInfluxSchema(this.influx, this.expected);
    this.schemaPending = false;
    this.dailyBackfill ??= this.startDailyBackfill();
    const changed = found.filter((item) => item.status !== 'present');
    if (changed.length > 0) {
      this.log.info(
        { database: this.database, changed: changed.map((i) => `${i.kind} ${i.name}: ${i.status}`) },
        'influx schema created or upgraded',
      );
    }
  }

  private async startDailyBackfill(): Promise<void> {
    const target = {
      influx: this.backfillInflux,
      database: this.database,
      retention: this.retention,
      log: this.log,
      stopped: () => this.closed,
    };
    try {
      await ensureDailyBackfill(target, this.now());
    } catch (error) {
      this.log.error(
        { database: this.database, error: errorText(error) },
        'daily reachability rollup backfill failed; reports read the 5-minute rollups for the days it misses',
      );
    }
  }

  private markDown(error: unknown): void {
    this.status.markDown(error);
    this.probe.schedule();
  }

  private markUp(): void {
    this.status.markUp();
    if (this.spool.points > 0 && this.replay.inProgress === null) void this.replay.start();
  }
}
