/**
 * The embedded log store: one SQLite file (0600 in a 0700 folder). Writes go through a bounded buffer
 * to a writer thread (writer-worker.ts) in batched transactions, so the event loop that reads the
 * syslog sockets never waits on an insert; searches and counts run on this thread's own connection
 * (WAL: readers and the writer do not block each other). `memory` writes on this thread.
 */
import type Database from 'better-sqlite3';
import { migrate, type Logger } from '../../../common';
import type { SecurityEvent } from '../../../domain';
import { checkCountsQuery, checkQuery } from '../query';
import { DeadLetter } from '../dead-letter';
import { isSqliteRefusal } from '../refusals';
import { throwIfLastWriteFailed } from '../health';
import { checkLogRetention, retentionCutoffMs, type LogRetentionOptions } from '../retention';
import { encodeEvents } from '../event-pages';
import { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_BUFFERED_EVENTS, WriteBuffer } from '../write-buffer';
import { openSqliteConnection } from './connection';
import { LOG_STORE_MIGRATIONS } from './migrations';
import { TRIGRAM_PROBE } from './schema';
import { countSqlite, searchSqlite } from './search';
import { inlineWriter, startWorkerWriter, type LogWriterAsk, type LogWriterChannel } from './writer-channel';
import type { LogWriterReply } from './writer-protocol';
import type {
  CountsQuery,
  LogCounts,
  LogPage,
  LogQuery,
  LogStore,
  LogStoreHealth,
  RetentionResult,
} from '../types';

export interface SqliteLogStoreOptions extends LogRetentionOptions {
  /** File path, or ':memory:'. */
  path: string;
  logger: Logger;
  maxBufferedEvents?: number;
  /** Memory for events waiting and being written (default DEFAULT_MAX_BUFFERED_BYTES). */
  maxBufferedBytes?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  /** Where refused events are set aside; default beside the database (none for ':memory:'). */
  deadLetterPath?: string;
}

/** Larger transactions write the full-text index with less merging and fill its blocks of rows (block-index.ts). */
const DEFAULT_BATCH_SIZE = 10_000;

function settle<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

export class SqliteLogStore implements LogStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly buffer: WriteBuffer;
  private readonly retentionDays: number;
  private writer: LogWriterChannel | null = null;
  /** The writer thread died (its error); the next write starts a new one. */
  private writerCrashed = false;

  constructor(private readonly options: SqliteLogStoreOptions) {
    this.retentionDays = checkLogRetention(options, options.logger);
    this.db = openSqliteConnection(options.path);
    this.buffer = new WriteBuffer({
      writeBatch: (events) => this.writeEncoded([encodeEvents(events)]),
      writeEncoded: (pages) => this.writeEncoded(pages),
      describeError: (error) => (error instanceof Error ? error.message : String(error)),
      isRefusal: isSqliteRefusal,
      deadLetter: new DeadLetter({
        path:
          options.deadLetterPath ??
          (options.path === ':memory:' ? null : `${options.path}.dead-letter.jsonl`),
        logger: options.logger,
      }),
      logger: options.logger,
      maxBufferedEvents: options.maxBufferedEvents ?? DEFAULT_MAX_BUFFERED_EVENTS,
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      flushIntervalMs: options.flushIntervalMs ?? 500,
    });
  }

  async init(): Promise<void> {
    try {
      this.db.exec(TRIGRAM_PROBE);
      this.db.exec('DROP TABLE temp.trigram_probe');
    } catch (error) {
      throw new Error(
        `this SQLite build has no FTS5 trigram tokenizer (needs SQLite 3.34+): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    migrate(this.db, `log store ${this.options.path}`, LOG_STORE_MIGRATIONS);
    if (this.writer === null) this.writer = await this.startWriter();
    this.buffer.start();
  }

  private startWriter(): Promise<LogWriterChannel> {
    if (this.options.path === ':memory:') return Promise.resolve(inlineWriter(this.db));
    this.writerCrashed = false;
    return startWorkerWriter(this.options.path, (error) => {
      this.writerCrashed = true;
      this.options.logger.error(
        { error: error.message },
        'log store writer thread failed; restarted on the next write',
      );
    });
  }

  private async ask(request: LogWriterAsk): Promise<LogWriterReply> {
    if (this.writer === null) throw new Error('log store not initialised: call init() first');
    if (this.writerCrashed) {
      const dead = this.writer;
      this.writer = await this.startWriter();
      await dead.close().catch(() => undefined);
    }
    const reply = await this.writer.ask(request);
    if (reply.kind === 'failed') throw Object.assign(new Error(reply.message), { code: reply.code });
    return reply;
  }

  /** The pages cross to the writer thread as a copy: the buffer reuses its own. */
  private async writeEncoded(pages: readonly Uint8Array[]): Promise<void> {
    await this.ask({ kind: 'write', pages: [...pages] });
  }

  write(events: readonly SecurityEvent[]): void {
    this.buffer.add(events);
  }

  flush(): Promise<void> {
    return this.buffer.flush();
  }

  // A bad query rejects like a backend failure would; it never throws synchronously.
  search(query: LogQuery): Promise<LogPage> {
    return settle(() => searchSqlite(this.db, checkQuery(query)));
  }

  counts(query: CountsQuery): Promise<LogCounts> {
    return settle(() => {
      const { topSources, ...filter } = checkCountsQuery(query);
      return countSqlite(this.db, filter, topSources);
    });
  }

  async applyRetention(nowMs: number): Promise<RetentionResult> {
    const cutoffMs = retentionCutoffMs(nowMs, this.retentionDays);
    const reply = await this.ask({ kind: 'expire', cutoffMs });
    return { cutoffMs, deletedEvents: reply.kind === 'expired' ? reply.deleted : 0, droppedPartitions: [] };
  }

  health(): LogStoreHealth {
    return this.buffer.health();
  }

  ping(): Promise<void> {
    return settle(() => {
      this.db.prepare('SELECT 1').get();
      if (this.writerCrashed) throw new Error('the writer thread failed (restarted on the next write)');
      throwIfLastWriteFailed(this.buffer.health());
    });
  }

  async close(): Promise<void> {
    await this.buffer.stop();
    await this.writer?.close();
    this.writer = null;
    this.db.close();
  }
}
