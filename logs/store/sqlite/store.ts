/** The embedded log store: one SQLite file (0600 in a 0700 folder), written in batched transactions. */
import type Database from 'better-sqlite3';
import { openPrivateDatabase, type Logger } from '../../../common';
import type { SecurityEvent } from '../../../domain';
import { checkCountsQuery, checkQuery } from '../query';
import { checkLogRetention, retentionCutoffMs, type LogRetentionOptions } from '../retention';
import { EVENT_COLUMNS, eventValues } from '../rows';
import { WriteBuffer } from '../write-buffer';
import { FOLD_FUNCTION, SQLITE_SCHEMA, TRIGRAM_PROBE, fold, searchableText } from './schema';
import { countSqlite, searchSqlite } from './search';
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
  batchSize?: number;
  flushIntervalMs?: number;
}

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
  private statements: { insert: Database.Statement; index: Database.Statement } | null = null;

  constructor(options: SqliteLogStoreOptions) {
    this.retentionDays = checkLogRetention(options, options.logger);
    this.db = openPrivateDatabase(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.function(FOLD_FUNCTION, { deterministic: true }, (text) => fold(String(text)));
    this.buffer = new WriteBuffer({
      writeBatch: (events) => Promise.resolve(this.writeBatch(events)),
      describeError: (error) => (error instanceof Error ? error.message : String(error)),
      logger: options.logger,
      maxBufferedEvents: options.maxBufferedEvents ?? 100_000,
      batchSize: options.batchSize ?? 2_000,
      flushIntervalMs: options.flushIntervalMs ?? 500,
    });
  }

  init(): Promise<void> {
    try {
      this.db.exec(TRIGRAM_PROBE);
      this.db.exec('DROP TABLE temp.trigram_probe');
    } catch (error) {
      throw new Error(
        `this SQLite build has no FTS5 trigram tokenizer (needs SQLite 3.34+): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    this.db.exec(SQLITE_SCHEMA);
    this.statements = {
      insert: this.db.prepare(
        `INSERT OR IGNORE INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
      ),
      index: this.db.prepare('INSERT INTO events_fts (rowid, doc) VALUES (?, ?)'),
    };
    this.buffer.start();
    return Promise.resolve();
  }

  private writeBatch(events: SecurityEvent[]): void {
    const statements = this.statements;
    if (statements === null) throw new Error('log store not initialised: call init() first');
    this.db.transaction(() => {
      for (const event of events) {
        const { changes, lastInsertRowid } = statements.insert.run(...eventValues(event));
        if (changes === 0) continue; // already stored (a relay or a retry sent it twice)
        const doc = searchableText([event.text, event.messageId, event.user, event.hostname]);
        statements.index.run(lastInsertRowid, doc);
      }
    })();
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

  applyRetention(nowMs: number): Promise<RetentionResult> {
    const cutoffMs = retentionCutoffMs(nowMs, this.retentionDays);
    const expire = this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM events_fts WHERE rowid IN (SELECT seq FROM events WHERE received_at_ms < ?)')
        .run(cutoffMs);
      return this.db.prepare('DELETE FROM events WHERE received_at_ms < ?').run(cutoffMs).changes;
    });
    return Promise.resolve({ cutoffMs, deletedEvents: expire(), droppedPartitions: [] });
  }

  health(): LogStoreHealth {
    return this.buffer.health();
  }

  async close(): Promise<void> {
    await this.buffer.stop();
    this.db.close();
  }
}
