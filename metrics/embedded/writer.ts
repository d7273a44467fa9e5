/**
 * The embedded store's writer: the one connection that changes the file. It commits batches (with
 * their rollup folds), rolls up rewritten buckets and prunes expired rows, and answers each request
 * with what a reader must know (new series and fields, points refused as too old). It runs in a
 * worker thread (`writer-worker.ts`), or on the caller's thread for an in-memory database.
 */
import type Database from 'better-sqlite3';
import type { MetricPoint } from '../../domain';
import { SeriesIds } from './series-ids';
import { pruneExpired } from './prune';
import { rollUpRewrittenBuckets } from './rollups';
import { prepareStatements, type EmbeddedStatements } from './statements';
import { FastInserts, writeBatch } from './writes';
import type { WriterReply, WriterRequest } from './writer-protocol';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class EmbeddedWriter {
  private readonly stmts: EmbeddedStatements;
  private readonly catalog: SeriesIds;
  private readonly fast: FastInserts;
  private open = true;

  constructor(private readonly db: Database.Database) {
    // The writer touches pages all over the samples tree (every series gets a row per poll). An 8 MB
    // page cache (SQLite's default is 2 MB) wrote as fast as 32 MB in `bench metrics` (100k points,
    // 3 rounds each: 25.9-29.2k against 26.4-27.7k points/s) and bounds the collector's growth while
    // the cache fills: at province scale it fills over the first quarter hour, 32 MB had shown as
    // +5% RSS in `bench soak`.
    db.pragma('cache_size = -8192');
    this.stmts = prepareStatements(db);
    this.fast = new FastInserts(db);
    this.catalog = new SeriesIds(db, this.stmts, (sid, fid) => this.fast.seriesFields.add(sid, fid));
  }

  /** Answer one request; never throws (a failure is a `failed` reply naming the cause). */
  async handle(request: WriterRequest): Promise<WriterReply> {
    try {
      return await this.run(request);
    } catch (error) {
      return { kind: 'failed', seq: request.seq, message: message(error) };
    }
  }

  private async run(request: WriterRequest): Promise<WriterReply> {
    const { seq } = request;
    switch (request.kind) {
      case 'batch':
        return this.writeBatch(seq, JSON.parse(request.pointsJson) as MetricPoint[], request.rawCutoffMs);
      case 'rollup':
        rollUpRewrittenBuckets(this.db, this.stmts);
        return { kind: 'done', seq };
      case 'prune': {
        const pruned = await pruneExpired(() => (this.open ? this.db : null), request, request.nowMs);
        return { kind: 'pruned', seq, ...pruned };
      }
      case 'close':
        this.open = false;
        this.db.close();
        return { kind: 'done', seq };
    }
  }

  private writeBatch(seq: number, points: MetricPoint[], rawCutoffMs: number): WriterReply {
    const writer = { db: this.db, stmts: this.stmts, catalog: this.catalog, fast: this.fast };
    try {
      const { tooOld } = writeBatch(writer, points, rawCutoffMs);
      return { kind: 'written', seq, tooOld, added: this.catalog.takeAdditions() };
    } catch (error) {
      this.catalog.forgetUncommitted();
      return { kind: 'failed', seq, message: message(error) };
    }
  }
}
