/**
 * The embedded store's SQLite file: its tables, and opening it (creating or upgrading the schema).
 *
 * Tables: `series` (measurement + tags, one id each), `fields` (field names), `series_fields` (which
 * fields a series has), `samples` (series, field, time, value: raw, pruned after rawRetentionDays),
 * `rollup_5m` (mean/max/min/count per 5-minute bucket, kept rollupRetentionDays), `rollup_dirty`
 * (series/field/bucket whose raw samples were rewritten, to roll up again from samples) and
 * `rollup_1d`, the daily reachability rollup (`../daily-rollup.ts`: per `node` series and UTC day,
 * the 5-minute buckets of `reachable` and the sum of their means, kept dailyRetentionDays), kept up
 * by triggers on `rollup_5m` in the transaction that changes it: a new bucket adds itself, a changed
 * mean its difference; pruning 5-minute rows leaves the days alone.
 */
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate, openPrivateDatabase, type Migration } from '../../common';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  measurement TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  tags TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fields (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS series_fields (sid INTEGER NOT NULL, fid INTEGER NOT NULL, PRIMARY KEY (sid, fid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS samples (
  sid INTEGER NOT NULL, fid INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL,
  PRIMARY KEY (sid, fid, t)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS samples_t ON samples (t);
CREATE TABLE IF NOT EXISTS rollup_5m (
  sid INTEGER NOT NULL, fid INTEGER NOT NULL, b INTEGER NOT NULL,
  mean REAL NOT NULL, max REAL NOT NULL, min REAL NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (sid, fid, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rollup_5m_b ON rollup_5m (b);
CREATE TABLE IF NOT EXISTS rollup_dirty (
  sid INTEGER NOT NULL, fid INTEGER NOT NULL, b INTEGER NOT NULL,
  PRIMARY KEY (sid, fid, b)
) WITHOUT ROWID;
`;

/**
 * Open the store's file (or ':memory:') with the current schema. A mistyped path is an error, not a
 * new folder tree; the database (and its WAL/SHM) is owner-only: 0600 in a 0700 folder.
 */
export function openEmbeddedDatabase(path: string): Database.Database {
  let db: Database.Database;
  try {
    if (path !== ':memory:' && !existsSync(dirname(path)))
      throw new Error(`folder ${dirname(path)} does not exist`);
    db = openPrivateDatabase(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // The writer thread opens the same file: one of them upgrades it while the other waits.
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new Error(
      `metrics: cannot open embedded store ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  migrate(db, `metrics: embedded store ${path}`, EMBEDDED_STORE_MIGRATIONS);
  return db;
}

/** The version the meta table recorded before the file carried one (PRAGMA user_version). */
function legacyVersion(db: Database.Database): string | null {
  return (
    db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema'").get()?.value ?? null
  );
}

const DAY_OF_BUCKET = 'NEW.b - NEW.b % 86400000';

/**
 * The daily rollup's table, built from the 5-minute rollups kept, and its triggers. The `reachable`
 * field is given its id here (the catalog finds it like any other) so the triggers can name it as a
 * constant: every other field's rollup rows cost them one integer comparison.
 */
function createDailyRollup(db: Database.Database): void {
  db.prepare("INSERT OR IGNORE INTO fields (name) VALUES ('reachable')").run();
  const fid = db.prepare<[], { id: number }>("SELECT id FROM fields WHERE name = 'reachable'").get()?.id;
  if (fid === undefined) throw new Error('the reachable field could not be recorded');
  const dailyRow = `NEW.fid = ${fid} AND (SELECT measurement FROM series WHERE id = NEW.sid) = 'node'`;
  db.exec(`
CREATE TABLE rollup_1d (
  sid INTEGER NOT NULL, fid INTEGER NOT NULL, d INTEGER NOT NULL, count INTEGER NOT NULL, sum REAL NOT NULL,
  PRIMARY KEY (sid, fid, d)
) WITHOUT ROWID;
CREATE INDEX rollup_1d_d ON rollup_1d (d);
INSERT INTO rollup_1d (sid, fid, d, count, sum)
  SELECT r.sid, r.fid, r.b - r.b % 86400000 AS day, count(*), sum(r.mean)
  FROM rollup_5m r JOIN series s ON s.id = r.sid AND s.measurement = 'node'
  WHERE r.fid = ${fid}
  GROUP BY r.sid, r.fid, day;
CREATE TRIGGER rollup_1d_new_bucket AFTER INSERT ON rollup_5m WHEN ${dailyRow}
BEGIN
  INSERT INTO rollup_1d (sid, fid, d, count, sum) VALUES (NEW.sid, NEW.fid, ${DAY_OF_BUCKET}, 1, NEW.mean)
  ON CONFLICT (sid, fid, d) DO UPDATE SET count = count + 1, sum = sum + excluded.sum;
END;
CREATE TRIGGER rollup_1d_changed_bucket AFTER UPDATE OF mean ON rollup_5m WHEN ${dailyRow}
BEGIN
  UPDATE rollup_1d SET sum = sum + NEW.mean - OLD.mean
  WHERE sid = NEW.sid AND fid = NEW.fid AND d = ${DAY_OF_BUCKET};
END;
`);
}

/** Steps by PRAGMA user_version; files from before it read 0 and say their shape in meta.schema. */
export const EMBEDDED_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'series, fields, samples, 5-minute rollups and their dirty list',
    up: (db) => db.exec(SCHEMA),
  },
  {
    version: 2,
    description:
      'rollups folded in as values are written: the dirty list holds rewritten series/field/bucket only',
    up: (db) => {
      const legacy = legacyVersion(db);
      // meta.schema 1 rolled up whole buckets from a time scan; its rollups are complete, so only the
      // dirty list changes shape.
      if (legacy === '1') db.exec(`DROP TABLE rollup_dirty; ${SCHEMA}`);
      else if (legacy !== null && legacy !== '2')
        throw new Error(`its meta table names schema ${legacy}, which this egov-noc does not know`);
      db.prepare(
        "INSERT INTO meta (key, value) VALUES ('schema', '2') ON CONFLICT(key) DO UPDATE SET value = '2'",
      ).run();
    },
  },
  {
    version: 3,
    description: 'daily reachability rollup, built from the 5-minute rollups kept, then kept up by triggers',
    up: createDailyRollup,
  },
];
