/** The embedded store's prepared statements, prepared once per open database. */
import type Database from 'better-sqlite3';

export interface EmbeddedStatements {
  insertSample: Database.Statement<[number, number, number, number]>;
  updateSample: Database.Statement<[number, number, number, number]>;
  insertSeries: Database.Statement<[string, string, string]>;
  insertField: Database.Statement<[string]>;
  insertSeriesField: Database.Statement<[number, number]>;
  markDirty: Database.Statement<[number, number, number]>;
  dirty: Database.Statement<[], { sid: number; fid: number; b: number }>;
  clearDirty: Database.Statement<[number, number, number]>;
  rollupSeriesBucket: Database.Statement<{ sid: number; fid: number; b: number; end: number }>;
  latestValue: Database.Statement<[number, number], { t: number; v: number }>;
}

export function prepareStatements(db: Database.Database): EmbeddedStatements {
  return {
    insertSample: db.prepare('INSERT OR IGNORE INTO samples (sid, fid, t, v) VALUES (?, ?, ?, ?)'),
    updateSample: db.prepare('UPDATE samples SET v = ? WHERE sid = ? AND fid = ? AND t = ?'),
    insertSeries: db.prepare('INSERT INTO series (measurement, key, tags) VALUES (?, ?, ?)'),
    insertField: db.prepare('INSERT INTO fields (name) VALUES (?)'),
    insertSeriesField: db.prepare('INSERT OR IGNORE INTO series_fields (sid, fid) VALUES (?, ?)'),
    markDirty: db.prepare('INSERT OR IGNORE INTO rollup_dirty (sid, fid, b) VALUES (?, ?, ?)'),
    dirty: db.prepare('SELECT sid, fid, b FROM rollup_dirty'),
    clearDirty: db.prepare('DELETE FROM rollup_dirty WHERE sid = ? AND fid = ? AND b = ?'),
    // An upsert, not INSERT OR REPLACE: the daily rollup's UPDATE trigger must see the old mean.
    rollupSeriesBucket: db.prepare(
      `INSERT INTO rollup_5m (sid, fid, b, mean, max, min, count)
       SELECT sid, fid, :b, avg(v), max(v), min(v), count(*) FROM samples
       WHERE sid = :sid AND fid = :fid AND t >= :b AND t < :end GROUP BY sid, fid
       ON CONFLICT (sid, fid, b) DO UPDATE SET
         mean = excluded.mean, max = excluded.max, min = excluded.min, count = excluded.count`,
    ),
    latestValue: db.prepare('SELECT t, v FROM samples WHERE sid = ? AND fid = ? ORDER BY t DESC LIMIT 1'),
  };
}
