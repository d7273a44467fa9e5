/**
 * Writes batches of events into the embedded store, and expires old ones, on whichever thread owns
 * the write connection (writer-worker.ts for a file, the store's own thread for `memory`). Rows come
 * as value arrays (`eventValues`, EVENT_COLUMNS order): cheap to pass between threads. A batch is one
 * transaction: multi-row INSERTs, then one INSERT … SELECT that indexes every row the batch added for
 * full-text search (rows already stored — a retried batch — are skipped by the key, indexed once).
 */
import type Database from 'better-sqlite3';
import { EVENT_COLUMNS } from '../rows';
import { FTS_DOC_SQL } from './schema';
import type { LogWriterReply, LogWriterRequest } from './writer-protocol';

export type EventValues = Array<string | number | null>;

/** Rows per INSERT statement: fewer JavaScript → SQLite calls, well under SQLite's parameter limit. */
const ROWS_PER_INSERT = 64;

export class SqliteEventWriter {
  private readonly insertMany: Database.Statement;
  private readonly insertOne: Database.Statement;
  private readonly lastSeq: Database.Statement;
  private readonly indexSince: Database.Statement;
  private readonly writeAll: (rows: readonly EventValues[]) => number;
  private readonly expireAll: (cutoffMs: number) => number;

  constructor(db: Database.Database) {
    const row = `(${EVENT_COLUMNS.map(() => '?').join(', ')})`;
    const insert = `INSERT OR IGNORE INTO events (${EVENT_COLUMNS.join(', ')}) VALUES `;
    this.insertMany = db.prepare(insert + Array.from({ length: ROWS_PER_INSERT }, () => row).join(', '));
    this.insertOne = db.prepare(insert + row);
    this.lastSeq = db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck();
    this.indexSince = db.prepare(
      `INSERT INTO events_fts (rowid, doc) SELECT seq, ${FTS_DOC_SQL} FROM events WHERE seq > ?`,
    );
    this.writeAll = db.transaction((rows: readonly EventValues[]) => this.insert(rows));
    const deleteIndexed = db.prepare(
      'DELETE FROM events_fts WHERE rowid IN (SELECT seq FROM events WHERE received_at_ms < ?)',
    );
    const deleteRows = db.prepare('DELETE FROM events WHERE received_at_ms < ?');
    this.expireAll = db.transaction((cutoffMs: number) => {
      deleteIndexed.run(cutoffMs);
      return deleteRows.run(cutoffMs).changes;
    });
  }

  /** Writes one batch in one transaction; returns how many rows were new. */
  write(rows: readonly EventValues[]): number {
    return this.writeAll(rows);
  }

  /** Removes the events received before `cutoffMs` and their index entries; returns how many. */
  expire(cutoffMs: number): number {
    return this.expireAll(cutoffMs);
  }

  /** Answers one request; a failure is an answer, never an exception. */
  handle(request: LogWriterRequest): LogWriterReply {
    try {
      switch (request.kind) {
        case 'write':
          return { kind: 'written', seq: request.seq, added: this.write(request.rows) };
        case 'expire':
          return { kind: 'expired', seq: request.seq, deleted: this.expire(request.cutoffMs) };
        case 'close':
          return { kind: 'done', seq: request.seq };
      }
    } catch (error) {
      return {
        kind: 'failed',
        seq: request.seq,
        message: error instanceof Error ? error.message : String(error),
        code: sqliteCode(error),
      };
    }
  }

  private insert(rows: readonly EventValues[]): number {
    const before = this.lastSeq.get() as number;
    let added = 0;
    let at = 0;
    for (; at + ROWS_PER_INSERT <= rows.length; at += ROWS_PER_INSERT)
      added += this.insertMany.run(...rows.slice(at, at + ROWS_PER_INSERT).flat()).changes;
    for (; at < rows.length; at++) added += this.insertOne.run(...(rows[at] as EventValues)).changes;
    if (added > 0) this.indexSince.run(before);
    return added;
  }
}

/** better-sqlite3's result code (SQLITE_CONSTRAINT_TRIGGER …): the main thread tells a refusal from an outage by it. */
function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
