/**
 * The embedded store's SQLite file: its tables, and opening it (creating or upgrading the schema).
 *
 * Tables: `series` (measurement + tags, one id each), `fields` (field names), `series_fields` (which
 * fields a series has), `samples` (series, field, time, value: raw, pruned after rawRetentionDays),
 * `rollup_5m` (mean/max/min/count per 5-minute bucket, kept rollupRetentionDays) and `rollup_dirty`
 * (series/field/bucket whose raw samples were rewritten, to roll up again from samples).
 */
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { openPrivateDatabase } from '../../common';

const SCHEMA_VERSION = '2';

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
    db.exec(SCHEMA);
  } catch (error) {
    throw new Error(
      `metrics: cannot open embedded store ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  upgradeSchema(db, path);
  return db;
}

function upgradeSchema(db: Database.Database, path: string): void {
  let version = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema'").get();
  if (version?.value === '1') {
    // v1 rolled up whole buckets from a time scan; v2 folds values in as they are written and only
    // re-scans rewritten series. v1 rollups are complete, so only the dirty list changes shape.
    db.exec(`DROP TABLE rollup_dirty; ${SCHEMA}`);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(SCHEMA_VERSION);
    version = { value: SCHEMA_VERSION };
  }
  if (version === undefined) {
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
  } else if (version.value !== SCHEMA_VERSION) {
    throw new Error(
      `metrics: embedded store ${path} has schema version ${version.value}, this egov-noc needs ${SCHEMA_VERSION}`,
    );
  }
}
