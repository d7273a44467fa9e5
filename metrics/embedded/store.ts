/**
 * MetricsStore in one SQLite file (better-sqlite3, WAL) for the demo and small sites.
 *
 * Writes are buffered here and committed by the writer (`writer.ts`) in one transaction per batch
 * (`writes.ts`), which also folds the new values into their 5-minute rollups (`rollups.ts`); expired
 * rows are deleted in small time slices (`prune.ts`). For a file the writer is a worker thread with
 * its own connection, so a commit never pauses this thread's event loop; queries read here, on a
 * second connection (WAL lets it read while the writer commits). Tables and opening: `schema.ts`;
 * series and field ids: `catalog.ts`; query semantics match InfluxDB's (`queries.ts`).
 *
 * Reads see every point written before them: a query first hands the buffer to the writer and waits
 * for everything handed over so far to be committed. The writer's queue is bounded
 * (`maxQueuedPoints`): a batch that would overflow it is dropped and counted, never held unbounded.
 */
import type Database from 'better-sqlite3';
import type { DailyQuery, DailySeries, MetricsStore, RangeQuery, Series, StoreHealth } from '../types';
import type { MetricPoint } from '../../domain';
import type { Logger } from '../../common';
import { DEFAULT_RETENTION, checkRetention, useRollup, type RetentionSettings } from '../retention';
import { sanitizePoints } from '../sanitize';
import { SeriesCatalog } from './catalog';
import { queryDaily, queryLatest, queryRange } from './queries';
import { openEmbeddedDatabase } from './schema';
import { prepareStatements, type EmbeddedStatements } from './statements';
import { startInlineWriter, startWorkerWriter, type WriterAsk, type WriterChannel } from './writer-channel';
import type { WriterReply } from './writer-protocol';

export interface EmbeddedStoreOptions {
  /** SQLite file, or ':memory:'. */
  path: string;
  retention?: RetentionSettings;
  /** Points per transaction (default 5,000). */
  batchSize?: number;
  /** Commit buffered points after this long (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Roll up complete dirty buckets this often (default 60 s). */
  rollupIntervalMs?: number;
  /** Delete expired samples and rollups this often (default 10 min). */
  pruneIntervalMs?: number;
  /** Points handed to the writer and not yet committed, at most (default 200,000); more are dropped. */
  maxQueuedPoints?: number;
  /**
   * Where commits run: 'thread' (a worker thread, the default for a file) or 'inline' (this thread;
   * always for ':memory:', which another thread cannot open; the benchmark's baseline).
   */
  writer?: 'thread' | 'inline';
  logger: Logger;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
}

const DAY_MS = 86_400_000;

/** The read connection and what is prepared on it; null before init() and after close(). */
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

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

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
  private readonly maxQueuedPoints: number;
  private readonly inlineWriter: boolean;
  private store: OpenStore | null = null;
  private writer: Promise<WriterChannel> | null = null;

  private buffer: MetricPoint[] = [];
  /** Points handed to the writer, not yet answered for. */
  private queuedPoints = 0;
  /** Settles when everything asked of the writer so far is answered. */
  private answered: Promise<void> = Promise.resolve();
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
    this.batchSize = opts.batchSize ?? 5000;
    this.flushIntervalMs = opts.flushIntervalMs ?? 1000;
    this.rollupIntervalMs = opts.rollupIntervalMs ?? 60_000;
    this.pruneIntervalMs = opts.pruneIntervalMs ?? 600_000;
    this.maxQueuedPoints = opts.maxQueuedPoints ?? 200_000;
    this.inlineWriter = opts.writer === 'inline' || opts.path === ':memory:';
  }

  async init(): Promise<void> {
    if (this.store !== null) return;
    const db = openEmbeddedDatabase(this.path);
    const stmts = prepareStatements(db);
    this.store = { db, stmts, catalog: new SeriesCatalog(db) };
    this.writer = this.startWriter(db);
    try {
      await this.writer;
    } catch (error) {
      db.close();
      this.store = null;
      this.writer = null;
      throw error;
    }
    await this.rollUp();
    await this.prune();
    this.every(this.flushIntervalMs, () => this.handOver());
    this.every(this.rollupIntervalMs, () => void this.rollUp());
    this.every(this.pruneIntervalMs, () => void this.prune());
  }

  write(points: MetricPoint[]): void {
    if (this.closed) throw new Error('metrics store: write() after close()');
    const { valid, invalid } = sanitizePoints(points);
    if (invalid > 0) this.countDropped(invalid, 'points without a measurement or a finite numeric field');
    for (const point of valid) this.buffer.push(point);
    if (this.buffer.length >= this.batchSize) this.handOver();
  }

  async flush(): Promise<void> {
    this.handOver();
    await this.rollUp();
  }

  async query(q: RangeQuery): Promise<Series[]> {
    await this.committed();
    return settle(() => {
      const { db, catalog } = this.opened();
      return queryRange(db, catalog, q, useRollup(q.stepS, q.startMs, this.now(), this.retention));
    });
  }

  async queryDailyReachability(q: DailyQuery): Promise<DailySeries[]> {
    await this.committed();
    return settle(() => {
      const { db, catalog } = this.opened();
      return queryDaily(db, catalog, q);
    });
  }

  async latest(measurement: string, where?: Record<string, string>): Promise<MetricPoint[]> {
    await this.committed();
    return settle(() => {
      const { stmts, catalog } = this.opened();
      return queryLatest(stmts, catalog, measurement, where);
    });
  }

  health(): StoreHealth {
    return {
      pendingPoints: this.buffer.length + this.queuedPoints,
      spooledPoints: 0,
      droppedPoints: this.droppedPoints,
      backendUp: this.backendUp,
      lastError: this.lastError,
    };
  }

  async close(): Promise<void> {
    if (this.closed || this.store === null) {
      this.closed = true;
      return;
    }
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.handOver();
    await this.rollUp();
    const writer = this.writer;
    this.writer = null;
    await writer?.then((channel) => channel.close()).catch(() => undefined);
    this.store.db.close();
    this.store = null;
  }

  // ---- internals ----

  private opened(): OpenStore {
    if (this.store === null)
      throw new Error(`metrics: embedded store ${this.path} used before init() or after close()`);
    return this.store;
  }

  private startWriter(db: Database.Database): Promise<WriterChannel> {
    if (this.inlineWriter) return Promise.resolve(startInlineWriter(db));
    return startWorkerWriter(this.path, (error) => this.writerCrashed(error));
  }

  /** The thread died (a bug or out of memory): what it held is lost and counted; start another. */
  private writerCrashed(error: Error): void {
    this.backendUp = false;
    this.log.error({ path: this.path, err: errorText(error) }, 'embedded metrics writer thread died');
    if (this.store !== null && !this.closed) this.writer = this.startWriter(this.store.db);
  }

  /** Send a request in order behind those before it; a dead writer is an error reply. */
  private ask(request: WriterAsk): Promise<WriterReply> {
    const writer = this.writer;
    const reply: Promise<WriterReply> =
      writer === null
        ? Promise.resolve({ kind: 'failed', seq: 0, message: 'the store is closed' })
        : writer
            .then((channel) => channel.ask(request))
            .catch((error: unknown) => ({ kind: 'failed', seq: 0, message: errorText(error) }) as const);
    this.answered = Promise.all([this.answered, reply]).then(() => undefined);
    return reply;
  }

  /** Everything handed to the writer so far is committed (or counted as dropped). */
  private async committed(): Promise<void> {
    this.handOver();
    await this.answered;
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Hand the buffer to the writer as one batch, unless the writer is already too far behind. */
  private handOver(): void {
    if (this.buffer.length === 0 || this.store === null) return;
    const points = this.buffer;
    this.buffer = [];
    if (this.queuedPoints + points.length > this.maxQueuedPoints) {
      this.countDropped(points.length, `the writer is ${this.queuedPoints} points behind (queue full)`);
      return;
    }
    this.queuedPoints += points.length;
    const rawCutoffMs = this.now() - this.retention.rawRetentionDays * DAY_MS;
    void this.ask({ kind: 'batch', pointsJson: JSON.stringify(points), rawCutoffMs }).then((reply) => {
      this.queuedPoints -= points.length;
      this.batchAnswered(reply, points.length);
    });
  }

  private batchAnswered(reply: WriterReply, points: number): void {
    if (reply.kind === 'failed') {
      this.backendUp = false;
      this.countDropped(points, `embedded store write failed: ${reply.message}`);
      return;
    }
    if (reply.kind !== 'written') return;
    this.store?.catalog.learn(reply.added);
    if (!this.backendUp) this.log.info({ path: this.path }, 'embedded metrics store writable again');
    this.backendUp = true;
    if (reply.tooOld > 0)
      this.countDropped(
        reply.tooOld,
        `points older than the raw retention (${this.retention.rawRetentionDays} d)`,
      );
  }

  private async rollUp(): Promise<void> {
    const reply = await this.ask({ kind: 'rollup' });
    if (reply.kind === 'failed') this.log.error({ path: this.path, err: reply.message }, 'rollup failed');
  }

  private async prune(): Promise<void> {
    if (this.pruning) return;
    this.pruning = true;
    try {
      const reply = await this.ask({ kind: 'prune', nowMs: this.now(), ...this.retention });
      if (reply.kind === 'pruned' && reply.rawRows + reply.rollupRows + reply.dailyRows > 0) {
        const { rawRows, rollupRows, dailyRows } = reply;
        this.log.info({ path: this.path, rawRows, rollupRows, dailyRows }, 'pruned expired metrics');
      } else if (reply.kind === 'failed') {
        this.log.error({ path: this.path, err: reply.message }, 'pruning expired metrics failed');
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
