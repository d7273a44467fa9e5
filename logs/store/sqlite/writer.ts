/**
 * Writes batches of events into the embedded store, and expires old ones, on whichever thread owns
 * the write connection (writer-worker.ts for a file, the store's own thread for `memory`). Events
 * come encoded in pages of bytes (event-codec.ts, as the store's buffer holds them): one copy of a
 * few buffers between threads. Each event is decoded once, for its block's times, counts and words,
 * and its bytes are copied into the block as they are (block-builder.ts). A batch is one
 * transaction: a row and a full-text entry per BLOCK_ROWS events, numbered after the last block.
 *
 * An event already stored (a batch written again after an ambiguous failure) is skipped by its key,
 * received time and id, as PostgreSQL's primary key skips it: only an event received no later than
 * the newest one stored can be one, and those are looked up in the blocks received since.
 */
import type Database from 'better-sqlite3';
import { pageView } from '../event-codec';
import { BUILT_FROM, BlockBuilder, blockColumns, type BuiltBlock } from './block-builder';
import { ID, RECEIVED, forEachEncoded, stringColumns } from './block-events';
import { BLOCK_INDEX_TABLE, BLOCK_ROWS } from './block-index';
import { expireBlocks } from './block-retention';
import type { LogWriterReply, LogWriterRequest } from './writer-protocol';

/** A stored event's key: its id (and received time, a number, always read). */
const ID_ONLY = stringColumns([ID]);

export interface SqliteEventWriterOptions {
  /** Skip events stored already or twice in a batch (default true); false when all are known new (an upgrade). */
  skipStored?: boolean;
}

/**
 * The events a batch must not store again: those stored (read from the blocks received since the
 * earliest time asked about, only when asked about a time no later than the newest stored) and
 * those the batch has already taken. The key is the received time and the id: ids are kept in a
 * small set per millisecond received, and events arrive in received order, so each check looks in
 * the set of the current millisecond (a map of 10,000 ids a batch cost 1.2–1.5 µs an event).
 */
class SeenEvents {
  private readonly byReceivedMs = new Map<number, Set<string>>();
  private currentMs = NaN;
  private current = new Set<string>();
  private readonly blocksRead = new Set<number>();
  private readFromMs = Infinity;

  constructor(
    private readonly newestStoredMs: number | null,
    private readonly blocksReceivedSince: Database.Statement,
  ) {}

  has(receivedMs: number, id: string): boolean {
    if (this.newestStoredMs !== null && receivedMs <= this.newestStoredMs && receivedMs < this.readFromMs)
      this.readStoredFrom(receivedMs);
    return this.idsReceivedAt(receivedMs).has(id);
  }

  add(receivedMs: number, id: string): void {
    this.idsReceivedAt(receivedMs).add(id);
  }

  private idsReceivedAt(receivedMs: number): Set<string> {
    if (receivedMs === this.currentMs) return this.current;
    let ids = this.byReceivedMs.get(receivedMs);
    if (ids === undefined) this.byReceivedMs.set(receivedMs, (ids = new Set()));
    this.currentMs = receivedMs;
    this.current = ids;
    return ids;
  }

  private readStoredFrom(receivedMs: number): void {
    const blocks = this.blocksReceivedSince.all(receivedMs) as Array<{ block: number; body: Buffer }>;
    for (const { block, body } of blocks) {
      if (this.blocksRead.has(block)) continue;
      this.blocksRead.add(block);
      forEachEncoded(body, (values) => this.add(values[RECEIVED] as number, values[ID] as string), ID_ONLY);
    }
    this.readFromMs = receivedMs;
  }
}

export class SqliteEventWriter {
  private readonly insertBlock: Database.Statement;
  private readonly indexBlock: Database.Statement;
  private readonly lastBlock: Database.Statement;
  private readonly lastReceived: Database.Statement;
  private readonly blocksReceivedSince: Database.Statement;
  private readonly skipStored: boolean;
  private readonly writeAll: (pages: readonly Uint8Array[]) => number;
  private readonly expireAll: (cutoffMs: number) => number;

  constructor(db: Database.Database, options: SqliteEventWriterOptions = {}) {
    this.insertBlock = db.prepare(
      `INSERT INTO event_blocks (block, events, min_time_ms, max_time_ms, min_received_ms, max_received_ms, summary, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.indexBlock = db.prepare(`INSERT INTO ${BLOCK_INDEX_TABLE} (rowid, doc) VALUES (?, ?)`);
    this.lastBlock = db.prepare('SELECT coalesce(max(block), 0) FROM event_blocks').pluck();
    this.lastReceived = db.prepare('SELECT max(max_received_ms) FROM event_blocks').pluck();
    this.blocksReceivedSince = db.prepare('SELECT block, body FROM event_blocks WHERE max_received_ms >= ?');
    this.skipStored = options.skipStored ?? true;
    this.writeAll = db.transaction((pages: readonly Uint8Array[]) => this.insert(pages));
    this.expireAll = db.transaction((cutoffMs: number) => expireBlocks(db, cutoffMs));
  }

  /** Writes one batch (encoded events, event-codec.ts) in one transaction; returns how many events were new. */
  write(pages: readonly Uint8Array[]): number {
    return this.writeAll(pages);
  }

  /** Removes the events received before `cutoffMs`; returns how many. */
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
    let block = this.lastBlock.get() as number;
    const seen = this.skipStored
      ? new SeenEvents(this.lastReceived.get() as number | null, this.blocksReceivedSince)
      : null;
    let builder = new BlockBuilder();
    let added = 0;
    for (const page of pages) {
      const view = pageView(page);
      forEachEncoded(
        view,
        (values, start, end) => {
          if (seen !== null) {
            const received = values[RECEIVED] as number;
            const id = values[ID] as string;
            if (seen.has(received, id)) return;
            seen.add(received, id);
          }
          builder.add(values, view, start, end);
          added += 1;
          if (builder.events < BLOCK_ROWS) return;
          this.store((block += 1), builder.build());
          builder = new BlockBuilder();
        },
        BUILT_FROM,
      );
    }
    if (builder.events > 0) this.store((block += 1), builder.build());
    return added;
  }

  private store(block: number, built: BuiltBlock): void {
    this.insertBlock.run(block, ...blockColumns(built));
    this.indexBlock.run(block, built.doc);
  }
}

/** better-sqlite3's result code (SQLITE_CONSTRAINT_TRIGGER …): the main thread tells a refusal from an outage by it. */
function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
