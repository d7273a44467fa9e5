/**
 * The embedded store's 5-minute rollups. New values are folded into their bucket's row in the same
 * transaction that writes them (count-weighted mean, max, min), so a rollup never needs a scan of a
 * whole bucket; only a bucket whose raw samples were rewritten is rolled up again from samples.
 */
import type Database from 'better-sqlite3';
import { ROLLUP_STEP_S } from '../retention';
import { splitSeriesFieldKey } from './catalog';
import type { MultiRowInsert } from './multi-row';
import type { EmbeddedStatements } from './statements';

export const ROLLUP_STEP_MS = ROLLUP_STEP_S * 1000;

export function rollupBucketStart(timeMs: number): number {
  return Math.floor(timeMs / ROLLUP_STEP_MS) * ROLLUP_STEP_MS;
}

interface BucketTotals {
  b: number;
  sum: number;
  max: number;
  min: number;
  count: number;
}

/** A batch's new values per (series, field) and 5-minute bucket, to fold into rollup_5m at once. */
export class RollupFold {
  private readonly bucketsByPair = new Map<number, BucketTotals[]>();

  add(seriesFieldKey: number, bucketStartMs: number, value: number): void {
    let buckets = this.bucketsByPair.get(seriesFieldKey);
    if (buckets === undefined) {
      buckets = [];
      this.bucketsByPair.set(seriesFieldKey, buckets);
    }
    const totals = buckets.find((x) => x.b === bucketStartMs);
    if (totals === undefined)
      buckets.push({ b: bucketStartMs, sum: value, max: value, min: value, count: 1 });
    else {
      totals.sum += value;
      if (value > totals.max) totals.max = value;
      if (value < totals.min) totals.min = value;
      totals.count += 1;
    }
  }

  /** Upsert every bucket (`rollupUpserts`, see writes.ts); call inside the transaction that wrote the samples. */
  writeTo(upserts: MultiRowInsert): void {
    for (const [pair, buckets] of this.bucketsByPair) {
      const { sid, fid } = splitSeriesFieldKey(pair);
      for (const t of buckets) upserts.add(sid, fid, t.b, t.sum / t.count, t.max, t.min, t.count);
    }
    upserts.flush();
  }
}

/** Roll up again, from raw samples, the series+field+bucket whose samples were rewritten. */
export function rollUpRewrittenBuckets(db: Database.Database, stmts: EmbeddedStatements): void {
  const dirty = stmts.dirty.all();
  if (dirty.length === 0) return;
  db.transaction(() => {
    for (const { sid, fid, b } of dirty) {
      stmts.rollupSeriesBucket.run({ sid, fid, b, end: b + ROLLUP_STEP_MS });
      stmts.clearDirty.run(sid, fid, b);
    }
  })();
}
