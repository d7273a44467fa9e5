/**
 * One batch of points into the embedded store: one transaction that inserts the samples, records new
 * series and fields, and folds the values into their 5-minute rollups. A point at the same series,
 * field and time as an earlier one replaces it (as in InfluxDB) and marks its bucket for a re-rollup.
 */
import type Database from 'better-sqlite3';
import type { MetricPoint } from '../../domain';
import type { SeriesCatalog } from './catalog';
import { RollupFold, rollupBucketStart } from './rollups';
import type { EmbeddedStatements } from './statements';

export interface BatchWriter {
  db: Database.Database;
  stmts: EmbeddedStatements;
  catalog: SeriesCatalog;
}

/**
 * Write the points in one transaction; returns how many were skipped as older than `rawCutoffMs`
 * (InfluxDB refuses points older than the retention policy; so does this store). Throws, with
 * nothing written, when the transaction fails.
 */
export function writeBatch(to: BatchWriter, points: MetricPoint[], rawCutoffMs: number): { tooOld: number } {
  let tooOld = 0;
  to.db.transaction(() => {
    const fold = new RollupFold();
    for (const point of points) {
      if (point.timeMs < rawCutoffMs) tooOld += 1;
      else writePoint(to, point, fold);
    }
    fold.writeTo(to.stmts);
  })();
  return { tooOld };
}

function writePoint({ stmts, catalog }: BatchWriter, point: MetricPoint, fold: RollupFold): void {
  const sid = catalog.seriesId(point);
  const t = Math.round(point.timeMs);
  const b = rollupBucketStart(t);
  for (const name in point.fields) {
    const value = point.fields[name];
    if (value === undefined) continue;
    const fid = catalog.fieldId(name);
    const pair = catalog.ensureSeriesField(sid, fid);
    if (stmts.insertSample.run(sid, fid, t, value).changes === 0) {
      // Same series, field and time again: the new value wins; roll this bucket up from samples.
      stmts.updateSample.run(value, sid, fid, t);
      stmts.markDirty.run(sid, fid, b);
      continue;
    }
    fold.add(pair, b, value);
  }
}
