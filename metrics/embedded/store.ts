/**
 * MetricsStore in one SQLite file (better-sqlite3, WAL) for the demo and small sites.
 *
 * Writes are buffered and committed in one transaction per batch (`writes.ts`), which also folds the
 * new values into their 5-minute rollups (`rollups.ts`); expired rows are deleted in small time
 * slices (`prune.ts`). Tables and opening: `schema.ts`; series and field ids: `catalog.ts`; query
 * semantics match InfluxDB's (`queries.ts`).
 */
import type Database from 'better-sqlite3';
import type { MetricsStore, RangeQuery, Series, StoreHealth } from '../types';
import type { MetricPoint } from '../../domain';
import type { Logger } from '../../common';
import { DEFAULT_RETENTION, checkRetention, useRollup, type RetentionSettings } from '../retention';
import { sanitizePoints } from '../sanitize';
import { SeriesCatalog } from './catalog';
import { pruneExpired } from './prune';
import { queryLatest, queryRange } from './queries';
import { rollUpRewrittenBuckets } from './rollups';
import { openEmbeddedDatabase } from './schema';
import { prepareStatements, type EmbeddedStatements } from './statements';
import { writeBatch } from './writes';

export interface EmbeddedStoreOptions {
  /** SQLite file, or ':memory:'. */
  path: string;
  retention?: RetentionSettings;
  /** Points per transaction (default 2,000: ~18,000 rows, a short event-loop pause). */
  batchSize?: number;
  /** Commit buffered points after this long (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Roll up complete dirty buckets this often (default 60 s). */
  rollupIntervalMs?: number;
  /** Delete expired samples and rollups this often (default 10 min). */
  pruneIntervalMs?: number;
  logger: Logger;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
}

const DAY_MS = 86_400_000;

/** The open database and what is prepared on it; null before init() and after close(). */
interface OpenStore {
  db: Database.Database;
  stmts: EmbeddedStatements;
  catalog: SeriesCatalog;
}

/** Run synchronous SQLite work behind the async interface: a throw becomes a rejection. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

export class EmbeddedMetricsStore implements MetricsStore {
  readonly kind = 'embedded' as const;
  readonly path: string;
  readonly retention: RetentionSettings;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly rollupIntervalMs: number;
  private readonly pruneIntervalMs: number;
  private store: OpenStore | null = null;

  private buffer: MetricPoint[] = [];
  private droppedPoints = 0;
  private lastError: string | null = null;
  private backendUp = true;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private pruning = false;

  constructor(opts: EmbeddedStoreOptions) {
    this.path = opts.path;
    this.retention = checkRetention(opts.retention ?? DEFAULT_RETENTION);
    this.log = opts.logger;
    this.now = opts.now ?? Date.now;
    this.batchSize = opts.batchSize ?? 2000;
    this.flushIntervalMs = opts.flushIntervalMs ?? 1000;
    this.rollupIntervalMs = opts.rollupIntervalMs ?? 60_000;
    this.pruneIntervalMs = opts.pruneIntervalMs ?? 600_000;
  }

  async init(): Promise<void> {
    if (this.store !== null) return;
    const db = openEmbeddedDatabase(this.path);
    const stmts = prepareStatements(db);
    this.store = { db, stmts, catalog: new SeriesCatalog(db, stmts) };
    this.rollUp();
    await this.prune();
    this.every(this.flushIntervalMs, () => this.commitBuffer());
    this.every(this.rollupIntervalMs, () => this.rollUp());
    this.every(this.pruneIntervalMs, () => void this.prune());
  }

  write(points: MetricPoint[]): void {
    if (this.closed) throw new Error('metrics store: write() after close()');
    const { valid, invalid } = sanitizePoints(points);
    if (invalid > 0) this.countDropped(invalid, 'points without a measurement or a finite numeric field');
    for (const point of valid) this.buffer.push(point);
    if (this.buffer.length >= this.batchSize) this.commitBuffer();
  }

  flush(): Promise<void> {
    this.commitBuffer();
    this.rollUp();
    return Promise.resolve();
  }

  query(q: RangeQuery): Promise<Series[]> {
    return settle(() => {
      const { db, catalog } = this.opened();
      return queryRange(db, catalog, q, useRollup(q.stepS, q.startMs, this.now(), this.retention));
    });
  }

  latest(measurement: string, where?: Record<string, string>): Promise<MetricPoint[]> {
    return settle(() => {
      const { stmts, catalog } = this.opened();
      return queryLatest(stmts, catalog, measurement, where);
    });
  }

  health(): StoreHealth {
    return {
      pendingPoints: this.buffer.length,
      spooledPoints: 0,
      droppedPoints: this.droppedPoints,
      backendUp: this.backendUp,
      lastError: this.lastError,
    };
  }

  close(): Promise<void> {
    if (this.closed || this.store === null) {
      this.closed = true;
      return Promise.resolve();
    }
    this.commitBuffer();
    this.rollUp();
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.closed = true;
    this.store.db.close();
    this.store = null;
    return Promise.resolve();
  }

  // ---- internals ----

  private opened(): OpenStore {
    if (this.store === null)
      throw new Error(`metrics: embedded store ${this.path} used before init() or after close()`);
    return this.store;
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private commitBuffer(): void {
    if (this.buffer.length === 0 || this.store === null) return;
    const points = this.buffer;
    this.buffer = [];
    const rawCutoffMs = this.now() - this.retention.rawRetentionDays * DAY_MS;
    let tooOld: number;
    try {
      ({ tooOld } = writeBatch(this.store, points, rawCutoffMs));
      if (!this.backendUp) this.log.info({ path: this.path }, 'embedded metrics store writable again');
      this.backendUp = true;
    } catch (error) {
      this.backendUp = false;
      this.store.catalog.forgetUncommitted();
      this.countDropped(
        points.length,
        `embedded store write failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    if (tooOld > 0)
      this.countDropped(tooOld, `points older than the raw retention (${this.retention.rawRetentionDays} d)`);
  }

  private rollUp(): void {
    if (this.store !== null) rollUpRewrittenBuckets(this.store.db, this.store.stmts);
  }

  private async prune(): Promise<void> {
    if (this.pruning || this.store === null) return;
    this.pruning = true;
    try {
      const { rawRows, rollupRows } = await pruneExpired(
        () => this.store?.db ?? null,
        this.retention,
        this.now(),
      );
      if (rawRows + rollupRows > 0) {
        this.log.info({ path: this.path, rawRows, rollupRows }, 'pruned expired metrics');
      }
    } finally {
      this.pruning = false;
    }
  }

  private countDropped(points: number, reason: string): void {
    this.droppedPoints += points;
    this.lastError = reason;
    this.log.error(
      { path: this.path, droppedPoints: points, droppedTotal: this.droppedPoints, reason },
      'metrics points dropped',
    );
  }
}
