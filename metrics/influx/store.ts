/**
 * MetricsStore on InfluxDB 1.x through the `influx` client.
 *
 * Writes: points are cut into batches of `batchSize` (or whatever is buffered every
 * `flushIntervalMs`) and sent with up to `maxInFlight` batches in flight. When InfluxDB cannot be
 * reached, batches go to the on-disk Spool (in the order they were cut) and a probe pings the server
 * every `retryIntervalMs`; once it answers, the spool is replayed oldest first, `maxInFlight`
 * batches at a time, while new batches go straight to the server. A batch InfluxDB rejects as
 * malformed (HTTP 400) is not retried: its points are counted as dropped and logged. Replayed points
 * older than the continuous query's resample window are rolled up by a one-off backfill query.
 */
import { InfluxDB, type IPoint } from 'influx';
import type { MetricPoint, MetricsStore, RangeQuery, Series, StoreHealth } from '../types';
import type { MetricsLogger } from '../logger';
import {
  DEFAULT_RETENTION,
  ROLLUP_STEP_S,
  checkRetention,
  useRollup,
  type RetentionSettings,
} from '../retention';
import {
  RAW_RP,
  applyInfluxSchema,
  expectedInfluxSchema,
  rollupRpName,
  rollupSelect,
  type ExpectedInfluxSchema,
} from './schema';
import {
  latestQueryText,
  parseLatestResult,
  parseRangeResult,
  rangeQueryText,
  statementResults,
} from './influxql';
import { Spool } from './spool';
import { sanitizePoints } from '../sanitize';

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
  logger: MetricsLogger;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
}

interface Batch {
  seq: number;
  points: MetricPoint[];
}

/** A backoff that never disables the host: the store does its own retrying through the spool. */
const noBackoff = {
  getDelay: () => 0,
  next() {
    return noBackoff;
  },
  reset() {
    return noBackoff;
  },
};

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The server answered with an HTTP status (as opposed to not answering at all). */
function answeredHttp(error: unknown): boolean {
  return /^A \d{3} /.test(errorText(error));
}

/** The client could not even format the batch: retrying or spooling it cannot help. */
class UnwritableBatchError extends Error {}

/** A 400 means InfluxDB parsed the request and refused the points: retrying cannot help. */
function rejectedPoints(error: unknown, batchSize: number): number | null {
  if (error instanceof UnwritableBatchError) return batchSize;
  const message = errorText(error);
  if (!/^A 400 /.test(message)) return null;
  const dropped = /dropped=(\d+)/.exec(message);
  return dropped === null ? batchSize : Math.min(batchSize, Number(dropped[1]));
}

export class InfluxMetricsStore implements MetricsStore {
  readonly kind = 'influx' as const;
  readonly database: string;
  /** Server address without credentials, for messages. */
  readonly url: string;
  readonly retention: RetentionSettings;
  readonly expected: ExpectedInfluxSchema;
  private readonly influx: InfluxDB;
  private readonly log: MetricsLogger;
  private readonly now: () => number;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly maxQueuedBatches: number;
  private readonly flushIntervalMs: number;
  private readonly retryIntervalMs: number;
  private readonly spool: Spool;

  private buffer: MetricPoint[] = [];
  private ready: Batch[] = [];
  /** Batches that failed or were cut while the server was down, waiting for in-flight writes to settle. */
  private held: Batch[] = [];
  private inFlight = 0;
  private inFlightPoints = 0;
  private nextSeq = 0;
  private backendUp = true;
  private lastError: string | null = null;
  private droppedPoints = 0;
  private lastDropLogMs = 0;
  private droppedSinceLog = 0;
  /** Spool operations run one at a time, in order. */
  private spoolChain: Promise<void> = Promise.resolve();
  private replaying: Promise<void> | null = null;
  private replayedRange: { minMs: number; maxMs: number } | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  private opened = false;
  /** init() could not reach the server: create the database and policies once it answers. */
  private schemaPending = false;
  private closed = false;

  constructor(opts: InfluxStoreOptions) {
    this.database = opts.database;
    this.url = `${opts.protocol ?? 'http'}://${opts.host}:${opts.port}`;
    this.retention = checkRetention(opts.retention ?? DEFAULT_RETENTION);
    this.expected = expectedInfluxSchema(opts.database, this.retention);
    this.log = opts.logger;
    this.now = opts.now ?? Date.now;
    this.batchSize = opts.batchSize ?? 5000;
    this.maxInFlight = opts.maxInFlight ?? 3;
    this.maxQueuedBatches = opts.maxQueuedBatches ?? 20;
    this.flushIntervalMs = opts.flushIntervalMs ?? 1000;
    this.retryIntervalMs = opts.retryIntervalMs ?? 1000;
    this.influx = new InfluxDB({
      host: opts.host,
      port: opts.port,
      protocol: opts.protocol ?? 'http',
      database: opts.database,
      ...(opts.username === undefined ? {} : { username: opts.username, password: opts.password ?? '' }),
      pool: { maxRetries: 0, requestTimeout: opts.requestTimeoutMs ?? 10_000, backoff: noBackoff },
    });
    this.spool = new Spool(
      opts.spoolDir,
      {
        maxPoints: opts.spoolMaxPoints ?? 2_000_000,
        maxBytes: opts.spoolMaxBytes ?? 512 * 1024 * 1024,
        segmentBytes: 16 * 1024 * 1024,
      },
      (points, path) => this.countDropped(points, `damaged line in spool segment ${path}`),
    );
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
      this.flushTimer = setInterval(() => this.cutBuffer(), this.flushIntervalMs);
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

  private async setUpSchema(): Promise<void> {
    const found = await applyInfluxSchema(this.influx, this.expected);
    this.schemaPending = false;
    const changed = found.filter((item) => item.status !== 'present');
    if (changed.length > 0) {
      this.log.info(
        { database: this.database, changed: changed.map((i) => `${i.kind} ${i.name}: ${i.status}`) },
        'influx schema created or upgraded',
      );
    }
  }

  write(points: MetricPoint[]): void {
    if (this.closed) throw new Error('metrics store: write() after close()');
    if (!this.opened) throw new Error('metrics store: write() before init()');
    const { valid, invalid } = sanitizePoints(points);
    if (invalid > 0) this.countDropped(invalid, 'points without a measurement or a finite numeric field');
    for (const point of valid) this.buffer.push(point);
    while (this.buffer.length >= this.batchSize) {
      this.enqueue(this.buffer.splice(0, this.batchSize));
    }
  }

  async flush(): Promise<void> {
    this.cutBuffer();
    if (!this.backendUp) await this.probe();
    for (;;) {
      await this.waitIdle();
      await this.spoolChain;
      if (this.backendUp && this.spool.points > 0) {
        await this.startReplay();
        continue;
      }
      if (this.replaying !== null) {
        await this.replaying;
        continue;
      }
      if (this.inFlight === 0 && this.ready.length === 0 && this.held.length === 0) return;
    }
  }

  async query(q: RangeQuery): Promise<Series[]> {
    if (q.nodes !== undefined && q.nodes.length === 0) return [];
    if (!(q.stepS > 0)) throw new Error(`metrics query: stepS must be > 0, got ${q.stepS}`);
    const rollup = useRollup(q.stepS, q.startMs, this.now(), this.retention);
    const rp = rollup ? rollupRpName(this.retention) : RAW_RP;
    const text = rangeQueryText(q, this.database, rp, rollup);
    const results = statementResults(await this.ask(text, { precision: 'ms' }), text);
    return parseRangeResult(results[0], q.groupBy);
  }

  async latest(measurement: string, where?: Record<string, string>): Promise<MetricPoint[]> {
    const keysText = `SHOW FIELD KEYS FROM ${JSON.stringify(measurement)}`;
    const keys = statementResults(await this.ask(keysText, { database: this.database }), keysText);
    const fields = (keys[0]?.series?.[0]?.values ?? []).map((row) => String(row[0]));
    if (fields.length === 0) return [];
    const text = latestQueryText(measurement, fields, where, this.database, RAW_RP);
    const results = statementResults(await this.ask(text, { precision: 'ms' }), text);
    return parseLatestResult(measurement, fields, results);
  }

  /** A read query; a transport failure names the server (InfluxDB's own errors name the query). */
  private async ask(text: string, options: { precision?: 'ms'; database?: string }): Promise<unknown> {
    try {
      return (await this.influx.queryRaw(text, options)) as unknown;
    } catch (error) {
      const what = answeredHttp(error) ? `refused the query ${text}` : 'did not answer a query';
      throw new Error(`metrics: InfluxDB at ${this.url} ${what}: ${errorText(error)}`, { cause: error });
    }
  }

  health(): StoreHealth {
    const memory =
      this.buffer.length +
      this.ready.reduce((n, b) => n + b.points.length, 0) +
      this.held.reduce((n, b) => n + b.points.length, 0) +
      this.inFlightPoints;
    return {
      pendingPoints: memory + this.spool.points,
      spooledPoints: this.spool.points,
      droppedPoints: this.droppedPoints,
      backendUp: this.backendUp,
      lastError: this.lastError,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.flushTimer = null;
    this.probeTimer = null;
    if (this.spool.points > 0) {
      this.log.warn(
        { spoolDir: this.spool.dir, spooledPoints: this.spool.points },
        'metrics store closed with points in the spool; they are replayed on the next start',
      );
    }
  }

  // ---- write path ----

  private cutBuffer(): void {
    while (this.buffer.length > 0) this.enqueue(this.buffer.splice(0, this.batchSize));
  }

  private enqueue(points: MetricPoint[]): void {
    const batch: Batch = { seq: this.nextSeq++, points };
    if (!this.backendUp) {
      this.hold(batch);
      return;
    }
    this.ready.push(batch);
    while (this.ready.length > this.maxQueuedBatches) {
      const overflow = this.ready.shift();
      if (overflow !== undefined) this.toSpool([overflow]);
    }
    this.pump();
  }

  private pump(): void {
    while (this.backendUp && this.inFlight < this.maxInFlight) {
      const batch = this.ready.shift();
      if (batch === undefined) break;
      this.send(batch);
    }
    this.notifyIfIdle();
  }

  private send(batch: Batch): void {
    this.inFlight += 1;
    this.inFlightPoints += batch.points.length;
    this.writeBatch(batch.points).then(
      () => {
        this.markUp();
        this.settle(batch);
        this.pump();
      },
      (error: unknown) => {
        const rejected = rejectedPoints(error, batch.points.length);
        if (rejected !== null) {
          this.countDropped(rejected, `influx refused the batch: ${errorText(error)}`);
          this.settle(batch);
          this.pump();
          return;
        }
        // Held before settling, so it is spooled in order with the batches cut meanwhile.
        this.held.push(batch);
        this.markDown(error);
        this.settle(batch);
      },
    );
  }

  private settle(batch: Batch): void {
    this.inFlight -= 1;
    this.inFlightPoints -= batch.points.length;
    this.releaseHeld();
  }

  private writeBatch(points: MetricPoint[]): Promise<void> {
    const ipoints: IPoint[] = points.map((p) => ({
      measurement: p.measurement,
      tags: p.tags,
      fields: p.fields,
      timestamp: p.timeMs,
    }));
    try {
      return this.influx.writePoints(ipoints, {
        database: this.database,
        retentionPolicy: RAW_RP,
        precision: 'ms',
      });
    } catch (error) {
      // The client formats the request synchronously; a throw there is a rejected write, not a crash.
      return Promise.reject(new UnwritableBatchError(errorText(error)));
    }
  }

  /**
   * While the server is down, batches wait in `held` until every in-flight write has settled, then go
   * to the spool sorted by the order they were cut: the spool keeps the order points were written in.
   */
  private hold(batch: Batch): void {
    this.held.push(batch);
    this.releaseHeld();
  }

  private releaseHeld(): void {
    if (this.inFlight > 0 || this.held.length === 0) return;
    const batches = this.backendUp ? this.held : [...this.held, ...this.ready];
    this.held = [];
    if (!this.backendUp) this.ready = [];
    this.toSpool(batches.sort((a, b) => a.seq - b.seq));
  }

  /** Run spool operations one at a time, in the order they were asked for. */
  private spoolOp<T>(op: () => Promise<T>): Promise<T> {
    const result = this.spoolChain.then(op);
    this.spoolChain = result.then(
      () => this.notifyIfIdle(),
      () => this.notifyIfIdle(),
    );
    return result;
  }

  private toSpool(batches: Batch[]): void {
    void this.spoolOp(async () => {
      for (const batch of batches) {
        let stored = false;
        try {
          stored = await this.spool.append(batch.points);
        } catch (error) {
          this.countDropped(batch.points.length, `spool write failed: ${errorText(error)}`);
          continue;
        }
        if (!stored) this.countDropped(batch.points.length, 'spool full');
      }
    });
  }

  private countDropped(points: number, reason: string): void {
    this.droppedPoints += points;
    this.droppedSinceLog += points;
    this.lastError = reason;
    const now = Date.now();
    if (now - this.lastDropLogMs >= 10_000) {
      this.log.error(
        {
          droppedPoints: this.droppedSinceLog,
          droppedTotal: this.droppedPoints,
          spooledPoints: this.spool.points,
          spoolDir: this.spool.dir,
          reason,
        },
        'metrics points dropped',
      );
      this.lastDropLogMs = now;
      this.droppedSinceLog = 0;
    }
  }

  // ---- outage and recovery ----

  private markDown(error: unknown): void {
    this.lastError = errorText(error);
    if (this.backendUp) {
      this.backendUp = false;
      this.log.warn(
        { database: this.database, error: this.lastError, spoolDir: this.spool.dir },
        'influxdb unreachable; spooling points to disk',
      );
    }
    this.scheduleProbe();
  }

  private markUp(): void {
    if (!this.backendUp) {
      this.backendUp = true;
      this.lastError = null;
      this.log.info(
        { database: this.database, spooledPoints: this.spool.points },
        'influxdb reachable again',
      );
    }
    if (this.spool.points > 0 && this.replaying === null) void this.startReplay();
  }

  private scheduleProbe(): void {
    if (this.probeTimer !== null || this.closed) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      void this.probe();
    }, this.retryIntervalMs);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    if (this.backendUp) return;
    const [host] = await this.influx.ping(Math.min(2000, this.retryIntervalMs * 2));
    if (host?.online === true && (this.schemaPending || /database not found/.test(this.lastError ?? ''))) {
      // Never set up (unreachable at start), or the server came back empty: set the schema up first.
      try {
        await this.setUpSchema();
      } catch (error) {
        this.lastError = errorText(error);
        this.scheduleProbe();
        return;
      }
    }
    if (host?.online === true) {
      this.markUp();
      this.pump();
    } else {
      this.scheduleProbe();
    }
  }

  private startReplay(): Promise<void> {
    this.replaying ??= this.replay()
      .catch((error: unknown) => {
        // Only a failing disk gets here; the points stay in the spool for the next attempt.
        this.lastError = `spool replay failed: ${errorText(error)}`;
        this.log.error({ spoolDir: this.spool.dir, error: errorText(error) }, 'metrics spool replay failed');
        this.markDown(error);
      })
      .finally(() => {
        this.replaying = null;
        this.notifyIfIdle();
      });
    return this.replaying;
  }

  /**
   * Oldest first, `maxInFlight` batches at a time (sent in order; InfluxDB files points by time, so
   * the arrival order inside one window does not matter). A window is acknowledged up to its first
   * batch that failed for an outage; later batches of that window are sent again after it, which
   * InfluxDB absorbs (same series and time is the same point).
   */
  private async replay(): Promise<void> {
    while (this.backendUp) {
      const window = await this.spoolOp(() => this.spool.peekMany(this.maxInFlight));
      if (window.length === 0) break;
      const results = await Promise.allSettled(window.map((points) => this.writeBatch(points)));
      let acked = 0;
      let outage: unknown = null;
      for (const [i, result] of results.entries()) {
        const points = window[i] ?? [];
        if (result.status === 'rejected') {
          const rejected = rejectedPoints(result.reason, points.length);
          if (rejected === null) {
            outage = result.reason;
            break;
          }
          this.countDropped(rejected, `influx refused a spooled batch: ${errorText(result.reason)}`);
        }
        acked += 1;
        this.noteReplayed(points);
      }
      await this.spoolOp(async () => {
        for (let i = 0; i < acked; i++) await this.spool.ack();
      });
      if (outage !== null) {
        this.markDown(outage);
        return;
      }
    }
    if (this.spool.points === 0) await this.backfillRollups();
  }

  private noteReplayed(points: MetricPoint[]): void {
    for (const point of points) {
      if (this.replayedRange === null) {
        this.replayedRange = { minMs: point.timeMs, maxMs: point.timeMs };
      } else {
        this.replayedRange.minMs = Math.min(this.replayedRange.minMs, point.timeMs);
        this.replayedRange.maxMs = Math.max(this.replayedRange.maxMs, point.timeMs);
      }
    }
  }

  /** The CQ only resamples the last hour: roll up replayed points older than that ourselves. */
  private async backfillRollups(): Promise<void> {
    const range = this.replayedRange;
    this.replayedRange = null;
    if (range === null) return;
    const stepMs = ROLLUP_STEP_S * 1000;
    const resampleStartMs = Math.floor((this.now() - 3_600_000) / stepMs) * stepMs;
    if (range.minMs >= resampleStartMs) return;
    const fromMs = Math.floor(range.minMs / stepMs) * stepMs;
    const toMs = Math.min(resampleStartMs, Math.floor(range.maxMs / stepMs) * stepMs + stepMs);
    // An hour per statement, so each stays well inside the request timeout.
    let failed = 0;
    for (let chunkMs = fromMs; chunkMs < toMs; chunkMs += 3_600_000) {
      const endMs = Math.min(toMs, chunkMs + 3_600_000);
      const text = rollupSelect(this.database, this.retention, `time >= ${chunkMs}ms AND time < ${endMs}ms`);
      try {
        statementResults(await this.influx.queryRaw(text, { method: 'POST' }), text);
      } catch (error) {
        failed += 1;
        this.log.error(
          { fromMs: chunkMs, toMs: endMs, error: errorText(error) },
          'rollup backfill after spool replay failed for this hour; its 5-minute rollups are missing',
        );
      }
    }
    this.log.info(
      { fromMs, toMs, failedHours: failed },
      'rolled up replayed points older than the continuous query window',
    );
  }

  // ---- idleness, for flush() ----

  private waitIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && (this.ready.length === 0 || !this.backendUp) && this.held.length === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
