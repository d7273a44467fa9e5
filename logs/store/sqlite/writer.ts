/**
 * Writes batches of events into the embedded store, and expires old ones, on whichever thread owns
 * the write connection (writer-worker.ts for a file, the store's own thread for `memory`). Rows come
 * encoded in pages of bytes (event-codec.ts, as the store's buffer holds them): one copy of a few
 * buffers between threads. Each row is decoded straight into the parameters of the INSERT it goes
 * in, and its words into its block's index entry, so a batch never sits on this thread's heap as
 * thousands of row arrays. A batch is one
 * transaction: multi-row INSERTs numbered from the next block boundary, then one full-text index
 * entry per block of rows (block-index.ts). Rows already stored (a retried batch) are skipped by the
 * key; the blocks are then indexed from the rows the batch really added.
 */
import type Database from 'better-sqlite3';
import { decodeValues, pageView } from '../event-codec';
import { EVENT_COLUMNS } from '../rows';
import {
  BLOCK_INDEX_TABLE,
  BlockEntries,
  BlockExpiry,
  firstSeqOfBatch,
  indexStoredBlocks,
  type SearchableFields,
} from './block-index';
import type { LogWriterReply, LogWriterRequest } from './writer-protocol';

export type EventValues = Array<string | number | null>;

/** Rows per INSERT statement: fewer JavaScript → SQLite calls, well under SQLite's parameter limit. */
const ROWS_PER_INSERT = 64;

/** Values an inserted row takes: its seq, then EVENT_COLUMNS. */
const ROW_WIDTH = 1 + EVENT_COLUMNS.length;

/** Where the searchable fields sit in a row's values (EVENT_COLUMNS order). */
const TEXT_AT = EVENT_COLUMNS.indexOf('text');
const MESSAGE_ID_AT = EVENT_COLUMNS.indexOf('message_id');
const USER_AT = EVENT_COLUMNS.indexOf('user_name');
const HOSTNAME_AT = EVENT_COLUMNS.indexOf('hostname');

const textOrNull = (value: string | number | null | undefined): string | null =>
  typeof value === 'string' ? value : null;

/** What the row whose values start at `at` in `params` is searched by, for its block's index entry. */
function searchableFieldsAt(params: EventValues, at: number): SearchableFields {
  return [
    String(params[at + TEXT_AT]),
    textOrNull(params[at + MESSAGE_ID_AT]),
    textOrNull(params[at + USER_AT]),
    textOrNull(params[at + HOSTNAME_AT]),
  ];
}

export class SqliteEventWriter {
  private readonly insertMany: Database.Statement;
  private readonly insertOne: Database.Statement;
  private readonly lastSeq: Database.Statement;
  private readonly indexBlock: Database.Statement;
  private readonly db: Database.Database;
  /** Parameters of one multi-row and one single-row INSERT, filled anew for each statement. */
  private readonly manyParams: EventValues = new Array<string | number | null>(ROWS_PER_INSERT * ROW_WIDTH);
  private readonly oneParams: EventValues = new Array<string | number | null>(ROW_WIDTH);
  private readonly writeAll: (pages: readonly Uint8Array[]) => number;
  private readonly expireAll: (cutoffMs: number) => number;

  constructor(db: Database.Database) {
    const row = `(${['seq', ...EVENT_COLUMNS].map(() => '?').join(', ')})`;
    const insert = `INSERT OR IGNORE INTO events (seq, ${EVENT_COLUMNS.join(', ')}) VALUES `;
    this.insertMany = db.prepare(insert + Array.from({ length: ROWS_PER_INSERT }, () => row).join(', '));
    this.insertOne = db.prepare(insert + row);
    this.lastSeq = db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck();
    this.indexBlock = db.prepare(`INSERT INTO ${BLOCK_INDEX_TABLE} (rowid, doc) VALUES (?, ?)`);
    this.db = db;
    this.writeAll = db.transaction((pages: readonly Uint8Array[]) => this.insert(pages));
    const blocks = new BlockExpiry(db);
    const deleteRows = db.prepare('DELETE FROM events WHERE received_at_ms < ?');
    this.expireAll = db.transaction((cutoffMs: number) => {
      const touched = blocks.blocksBefore(cutoffMs);
      const deleted = deleteRows.run(cutoffMs).changes;
      blocks.dropEmpty(touched);
      return deleted;
    });
  }

  /** Writes one batch (encoded events, event-codec.ts) in one transaction; returns how many rows were new. */
  write(pages: readonly Uint8Array[]): number {
    return this.writeAll(pages);
  }

  /** Removes the events received before `cutoffMs` and the index entries of blocks left empty; returns how many. */
  expire(cutoffMs: number): number {
    return this.expireAll(cutoffMs);
  }

  /** Answers one request; a failure is an answer, never an exception. */
  handle(request: LogWriterRequest): LogWriterReply {
    try {
      switch (request.kind) {
        case 'write':
          return { kind: 'written', seq: request.seq, added: this.write(request.pages) };
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

  private insert(pages: readonly Uint8Array[]): number {
    const firstSeq = firstSeqOfBatch(this.lastSeq.get() as number);
    const blocks = new BlockEntries(firstSeq);
    const { rows, added } = this.insertRows(firstSeq, pages, blocks);
    if (added === rows) {
      for (const [block, doc] of blocks.finish()) this.indexBlock.run(block, doc);
    } else if (added > 0) {
      indexStoredBlocks(this.db, firstSeq);
    }
    return added;
  }

  /**
   * Inserts the encoded rows, numbered `firstSeq`, `firstSeq + 1`, …, ROWS_PER_INSERT a statement
   * and the rest one by one, each row's words going to `blocks`; returns how many rows there were
   * and how many were new.
   */
  private insertRows(
    firstSeq: number,
    pages: readonly Uint8Array[],
    blocks: BlockEntries,
  ): { rows: number; added: number } {
    const params = this.manyParams;
    let rows = 0;
    let added = 0;
    let filled = 0;
    for (const page of pages) {
      const view = pageView(page);
      for (let at = 0; at < view.length;) {
        const base = filled * ROW_WIDTH;
        params[base] = firstSeq + rows;
        at = decodeValues(view, at, params, base + 1);
        blocks.add(searchableFieldsAt(params, base + 1));
        rows += 1;
        filled += 1;
        if (filled === ROWS_PER_INSERT) {
          added += this.insertMany.run(params).changes;
          filled = 0;
        }
      }
    }
    for (let row = 0; row < filled; row++) {
      for (let k = 0; k < ROW_WIDTH; k++)
        this.oneParams[k] = params[row * ROW_WIDTH + k] as string | number | null;
      added += this.insertOne.run(this.oneParams).changes;
    }
    return { rows, added };
  }
}

/** better-sqlite3's result code (SQLITE_CONSTRAINT_TRIGGER …): the main thread tells a refusal from an outage by it. */
function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
