/** The schema-version runner every SQLite store uses: ordered steps, one transaction, no downgrade. */
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { migrate, schemaVersion, SchemaVersionError, type Migration } from '../../common';

const tables = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
      name: string;
    }>
  ).map((row) => row.name);

const STEPS: Migration[] = [
  { version: 1, description: 'a', up: (db) => db.exec('CREATE TABLE a (x INTEGER)') },
  { version: 2, description: 'b', up: (db) => db.exec('CREATE TABLE b (y INTEGER)') },
  { version: 3, description: 'a.z', up: (db) => db.exec('ALTER TABLE a ADD COLUMN z TEXT') },
];

test('a fresh file runs every step in order and records the newest version; a second open runs none', () => {
  const db = new Database(':memory:');
  expect(migrate(db, 'test store', STEPS)).toEqual({ from: 0, to: 3 });
  expect(schemaVersion(db)).toBe(3);
  expect(tables(db)).toEqual(['a', 'b']);
  expect(migrate(db, 'test store', STEPS)).toEqual({ from: 3, to: 3 });
});

test('a file at an older version runs only the steps it lacks, keeping its rows', () => {
  const db = new Database(':memory:');
  migrate(db, 'test store', STEPS.slice(0, 1));
  db.prepare('INSERT INTO a (x) VALUES (?)').run(7);
  expect(migrate(db, 'test store', STEPS)).toEqual({ from: 1, to: 3 });
  expect(db.prepare('SELECT x, z FROM a').all()).toEqual([{ x: 7, z: null }]);
});

test('a step that fails leaves the file as it was: no half-upgraded schema, version unchanged', () => {
  const db = new Database(':memory:');
  migrate(db, 'test store', STEPS.slice(0, 1));
  const broken: Migration[] = [
    ...STEPS.slice(0, 2),
    { version: 3, description: 'broken', up: (d) => d.exec('ALTER TABLE missing ADD COLUMN q TEXT') },
  ];
  expect(() => migrate(db, 'test store', broken)).toThrow(/no such table: missing/);
  expect(schemaVersion(db)).toBe(1);
  expect(tables(db)).toEqual(['a']);
});

test('a file from a newer release is refused with what to do, and left untouched', () => {
  const db = new Database(':memory:');
  db.pragma('user_version = 9');
  const refusal = () => migrate(db, 'alert store /var/lib/egov-noc/alerts.sqlite', STEPS);
  expect(refusal).toThrow(SchemaVersionError);
  expect(refusal).toThrow(
    'alert store /var/lib/egov-noc/alerts.sqlite has schema version 9, newer than the 3 this egov-noc knows: it was written by a newer release.',
  );
  expect(schemaVersion(db)).toBe(9);
  expect(tables(db)).toEqual([]);
});

test('steps numbered out of order are a programming error, caught before anything runs', () => {
  const db = new Database(':memory:');
  expect(() => migrate(db, 'test store', [STEPS[1]!, STEPS[0]!])).toThrow(/numbered 1, 2, 3/);
  expect(tables(db)).toEqual([]);
});
