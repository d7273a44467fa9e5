/**
 * The PostgreSQL log store: batches COPYed in and inserted into day partitions (batch-insert.ts), a connection pool whose
 * errors are logged (never thrown out of a socket handler), credentials from the caller only.
 */
import pg from 'pg';
import type { Logger } from '../../../common';
import type { SecurityEvent } from '../../../domain';
import { checkCountsQuery, checkQuery } from '../query';
import { DeadLetter } from '../dead-letter';
import { isPostgresRefusal } from '../refusals';
import { throwIfLastWriteFailed } from '../health';
import { checkLogRetention, retentionCutoffMs, type LogRetentionOptions } from '../retention';
import { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_BUFFERED_EVENTS, WriteBuffer } from '../write-buffer';
import { insertBatch } from './batch-insert';
import { DayPartitions } from './partitions';
import { INDEX_DDL, PARENT_DDL, PARENT_TABLE, TRIGRAM_INDEX_DDL } from './schema';
import { countPostgres, searchPostgres } from './search';
import type {
  CountsQuery,
  LogCounts,
  LogPage,
  LogQuery,
  LogStore,
  LogStoreHealth,
  RetentionResult,
} from '../types';

export interface PostgresConnection {
  host: string;
  port: number;
  database: string;
  /** From the caller (the CLI reads EGOV_NOC_LOGSTORE_USER / EGOV_NOC_LOGSTORE_PASSWORD). */
  user: string;
  password?: string;
}

export interface PostgresLogStoreOptions extends LogRetentionOptions {
  connection: PostgresConnection;
  logger: Logger;
  maxBufferedEvents?: number;
  /** Memory for events waiting and being written (default DEFAULT_MAX_BUFFERED_BYTES). */
  maxBufferedBytes?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  /** Where refused events are set aside (JSON lines, 0600); without one they are only counted. */
  deadLetterPath?: string;
  /** Clock for the partitions created ahead (tests). */
  now?: () => number;
}

/** Rows per COPY: large enough that a transaction's fixed cost is small against its rows. */
const DEFAULT_BATCH_SIZE = 5_000;

export class PostgresLogStore implements LogStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly buffer: WriteBuffer;
  private readonly partitions: DayPartitions;
  private readonly retentionDays: number;
  private readonly now: () => number;

  constructor(private readonly options: PostgresLogStoreOptions) {
    this.retentionDays = checkLogRetention(options, options.logger);
    this.now = options.now ?? Date.now;
    const { host, port, database, user, password } = options.connection;
    this.pool = new pg.Pool({
      host,
      port,
      database,
      user,
      password: password ?? '',
      max: 4,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 30_000,
      application_name: 'egov-noc-logs',
    });
    // An idle client whose server went away emits here; unhandled, it would end the process.
    this.pool.on('error', (error) => {
      options.logger.warn({ error: this.describeError(error) }, 'log store connection lost');
    });
    this.partitions = new DayPartitions(this.pool);
    this.buffer = new WriteBuffer({
      writeBatch: (events) => this.writeBatch(events),
      describeError: (error) => this.describeError(error),
      isRefusal: isPostgresRefusal,
      deadLetter: new DeadLetter({ path: options.deadLetterPath ?? null, logger: options.logger }),
      logger: options.logger,
      maxBufferedEvents: options.maxBufferedEvents ?? DEFAULT_MAX_BUFFERED_EVENTS,
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      flushIntervalMs: options.flushIntervalMs ?? 500,
    });
  }

  /** An error's message with the password taken out, should a driver or server ever quote it. */
  private describeError(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    const { password } = this.options.connection;
    return password === undefined || password === '' ? message : message.replaceAll(password, '[redacted]');
  }

  async init(): Promise<void> {
    try {
      await this.pool.query(PARENT_DDL);
      for (const ddl of INDEX_DDL) await this.pool.query(ddl);
      const trgm = await this.pool.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'");
      if (trgm.rowCount !== null && trgm.rowCount > 0) await this.pool.query(TRIGRAM_INDEX_DDL);
      await this.partitions.load();
      await this.partitions.ensureAhead(this.now());
    } catch (error) {
      throw new Error(`log store ${this.describeTarget()}: ${this.describeError(error)}`);
    }
    this.buffer.start();
  }

  private describeTarget(): string {
    const { host, port, database } = this.options.connection;
    return `postgres://${host.includes(':') ? `[${host}]` : host}:${port}/${database}`;
  }

  private async writeBatch(events: SecurityEvent[]): Promise<void> {
    await this.partitions.ensureAhead(this.now());
    await this.partitions.ensure(events.map((event) => event.receivedAtMs));
    await insertBatch(this.pool, events);
  }

  write(events: readonly SecurityEvent[]): void {
    this.buffer.add(events);
  }

  flush(): Promise<void> {
    return this.buffer.flush();
  }

  async search(query: LogQuery): Promise<LogPage> {
    const checked = checkQuery(query);
    return this.redacted(() => searchPostgres(this.pool, checked));
  }

  async counts(query: CountsQuery): Promise<LogCounts> {
    const { topSources, ...filter } = checkCountsQuery(query);
    return this.redacted(() => countPostgres(this.pool, filter, topSources));
  }

  /** Runs a backend call; a failure surfaces as an Error whose message holds no password. */
  private async redacted<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new Error(`log store ${this.describeTarget()}: ${this.describeError(error)}`);
    }
  }

  async applyRetention(nowMs: number): Promise<RetentionResult> {
    const cutoffMs = retentionCutoffMs(nowMs, this.retentionDays);
    const droppedPartitions = await this.partitions.dropBefore(cutoffMs);
    // The day that straddles the cutoff keeps its younger rows; only that partition is scanned.
    const deleted = await this.pool.query(`DELETE FROM ${PARENT_TABLE} WHERE received_at_ms < $1`, [
      cutoffMs,
    ]);
    await this.partitions.ensureAhead(this.now());
    return { cutoffMs, deletedEvents: deleted.rowCount ?? 0, droppedPartitions };
  }

  health(): LogStoreHealth {
    return this.buffer.health();
  }

  async ping(): Promise<void> {
    await this.redacted(() => this.pool.query('SELECT 1'));
    throwIfLastWriteFailed(this.buffer.health());
  }

  async close(): Promise<void> {
    await this.buffer.stop();
    await this.pool.end();
  }
}
