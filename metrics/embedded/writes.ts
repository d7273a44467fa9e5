/**
 * One batch of points into the embedded store: one transaction that inserts the samples, records new
 * series and fields, and folds the values into their 5-minute rollups. A point at the same series,
 * field and time as an earlier one replaces it (as in InfluxDB) and marks its bucket for a re-rollup.
 *
 * The hot path: a point newer than anything this writer wrote for its series (or of a series it just
 * created) cannot rewrite a sample, so its samples go into multi-row INSERTs (`multi-row.ts`); any
 * other point takes the careful path, one sample at a time, after the buffered rows are written.
 */
import type Database from 'better-sqlite3';
import type { MetricPoint } from '../../domain';
import type { SeriesIds } from './series-ids';
import { MultiRowInsert } from './multi-row';
import { RollupFold, rollupBucketStart } from './rollups';
import type { EmbeddedStatements } from './statements';

/** The multi-row statements and what decides whether a point may use them. */
export class FastInserts {
  readonly samples: MultiRowInsert;
  readonly rollups: MultiRowInsert;
  readonly seriesFields: MultiRowInsert;
  /** Newest time this writer wrote per series; it may be too high after a rollback, never too low. */
  readonly newestBySeries = new Map<number, number>();

  constructor(db: Database.Database) {
    this.samples = new MultiRowInsert(db, 'INSERT INTO samples (sid, fid, t, v)', 4);
    // Folds a batch's values into the bucket's row: count-weighted mean, max, min, count.
    this.rollups = new MultiRowInsert(
      db,
      'INSERT INTO rollup_5m (sid, fid, b, mean, max, min, count)',
      7,
      `ON CONFLICT (sid, fid, b) DO UPDATE SET
         mean = (mean * count + excluded.mean * excluded.count) / (count + excluded.count),
         max = max(max, excluded.max), min = min(min, excluded.min), count = count + excluded.count`,
    );
    this.seriesFields = new MultiRowInsert(db, 'INSERT OR IGNORE INTO series_fields (sid, fid)', 2);
  }

  /** After a failed transaction: drop rows buffered for it. */
  discardBuffered(): void {
    this.samples.discard();
    this.rollups.discard();
    this.seriesFields.discard();
  }
}

export interface BatchWriter {
  db: Database.Database;
  stmts: EmbeddedStatements;
  catalog: SeriesIds;
  fast: FastInserts;
}

/**
 * Write the points in one transaction; returns how many were skipped as older than `rawCutoffMs`
 * (InfluxDB refuses points older than the retention policy; so does this store). Throws, with
 * nothing written, when the transaction fails.
 */
export function writeBatch(to: BatchWriter, points: MetricPoint[], rawCutoffMs: number): { tooOld: number } {
  let tooOld = 0;
  try {
    to.db.transaction(() => {
      const fold = new RollupFold();
      for (const point of points) {
        if (point.timeMs < rawCutoffMs) tooOld += 1;
        else writePoint(to, point, fold);
      }
      to.fast.samples.flush();
      to.fast.seriesFields.flush();
      fold.writeTo(to.fast.rollups);
    })();
  } catch (error) {
    to.fast.discardBuffered();
    throw error;
  }
  return { tooOld };
}

function writePoint({ stmts, catalog, fast }: BatchWriter, point: MetricPoint, fold: RollupFold): void {
  const sid = catalog.seriesId(point);
  const t = Math.round(point.timeMs);
  const b = rollupBucketStart(t);
  const newest = fast.newestBySeries.get(sid);
  const cannotRewrite = newest === undefined ? catalog.createdJustNow(sid) : t > newest;
  if (newest === undefined || t > newest) fast.newestBySeries.set(sid, t);
  // The careful path reads the table: what is buffered must be in it first.
  if (!cannotRewrite) fast.samples.flush();
  for (const name in point.fields) {
    const value = point.fields[name];
    if (value === undefined) continue;
    const fid = catalog.fieldId(name);
    const pair = catalog.ensureSeriesField(sid, fid);
    if (cannotRewrite) fast.samples.add(sid, fid, t, value);
    else if (stmts.insertSample.run(sid, fid, t, value).changes === 0) {
      // Same series, field and time again: the new value wins; roll this bucket up from samples.
      stmts.updateSample.run(value, sid, fid, t);
      stmts.markDirty.run(sid, fid, b);
      continue;
    }
    fold.add(pair, b, value);
  }
}
