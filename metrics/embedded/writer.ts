/**
 * The embedded store's writer: the one connection that changes the file. It commits batches (with
 * their rollup folds), rolls up rewritten buckets and prunes expired rows, and answers each request
 * with what a reader must know (new series and fields, points refused as too old). It runs in a
 * worker thread (`writer-worker.ts`), or on the caller's thread for an in-memory database.
 */
import type Database from 'better-sqlite3';
import type { MetricPoint } from '../../domain';
import { SeriesCatalog } from './catalog';
import { pruneExpired } from './prune';
import { rollUpRewrittenBuckets } from './rollups';
import { prepareStatements, type EmbeddedStatements } from './statements';
import { writeBatch } from './writes';
import type { WriterReply, WriterRequest } from './writer-protocol';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class EmbeddedWriter {
  private readonly stmts: EmbeddedStatements;
  private readonly catalog: SeriesCatalog;
  private open = true;

  constructor(private readonly db: Database.Database) {
    this.stmts = prepareStatements(db);
    this.catalog = new SeriesCatalog(db, this.stmts);
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
    const writer = { db: this.db, stmts: this.stmts, catalog: this.catalog };
    try {
      const { tooOld } = writeBatch(writer, points, rawCutoffMs);
      return { kind: 'written', seq, tooOld, added: this.catalog.takeAdditions() };
    } catch (error) {
      this.catalog.forgetUncommitted();
      return { kind: 'failed', seq, message: message(error) };
    }
  }
}
