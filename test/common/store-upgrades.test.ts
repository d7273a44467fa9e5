/**
 * Every SQLite store opens a file written before schema versions existed (user_version 0, the DDL of
 * that time kept in test/fixtures/schema-v0) and upgrades it in place: rows kept, version recorded.
 * A file stamped by a newer release is refused through each store's own open path.
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { AlertStore } from '../../alerts/store';
import { schemaVersion, SchemaVersionError } from '../../common';
import { openIdentityDb } from '../../console/server/identity/db';
import { openLogStore } from '../../logs';
import { openEmbeddedDatabase } from '../../metrics/embedded/schema';
import { CertificateStore } from '../../pki/store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-upgrades-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A file as the old code left it: its DDL, some rows, no version. */
function oldFile(name: string, fixture: string, rows: string): string {
  const path = join(dir, name);
  const db = new Database(path);
  db.exec(readFileSync(join('test/fixtures/schema-v0', fixture), 'utf8'));
  db.exec(rows);
  expect(schemaVersion(db)).toBe(0);
  db.close();
  return path;
}

function inspect<T>(path: string, read: (db: Database.Database) => T): { version: number; read: T } {
  const db = new Database(path, { readonly: true });
  try {
    return { version: schemaVersion(db), read: read(db) };
  } finally {
    db.close();
  }
}

function stampedNewer(path: string): void {
  const db = new Database(path);
  db.pragma('user_version = 99');
  db.close();
}

test('alert store: alerts, acks and the outbox survive the upgrade', () => {
  const path = oldFile(
    'alerts.sqlite',
    'alerts.sql',
    `INSERT INTO alerts VALUES ('a1', 'fp1', 'firing', 'ny-core', 1000, NULL, '{"id":"a1"}');
     INSERT INTO acks (alert_id, action, actor, at_ms, comment) VALUES ('a1', 'ack', 'chief', 2000, '在处理');
     INSERT INTO outbox (dedup_key, receiver, alert_id, kind, payload, next_attempt_ms, created_ms)
       VALUES ('k1', 'noc', 'a1', 'opened', '{}', 3000, 1000);`,
  );
  new AlertStore(path).close();
  expect(
    inspect(path, (db) => [
      db.prepare('SELECT id, status, body FROM alerts').all(),
      db.prepare('SELECT comment FROM acks').all(),
      db.prepare('SELECT dedup_key, status FROM outbox').all(),
      db.prepare('SELECT id FROM handled_events').all(),
    ]),
  ).toEqual({
    version: 2,
    read: [
      [{ id: 'a1', status: 'firing', body: '{"id":"a1"}' }],
      [{ comment: '在处理' }],
      [{ dedup_key: 'k1', status: 'pending' }],
      [],
    ],
  });
  stampedNewer(path);
  expect(() => new AlertStore(path)).toThrow(SchemaVersionError);
  expect(() => new AlertStore(path)).toThrow(`alert store ${path} has schema version 99`);
});

test('CA certificate index: certificates, CRL numbers and the audit anchor survive the upgrade', () => {
  const path = oldFile(
    'ca.sqlite',
    'pki-index.sql',
    `INSERT INTO certificates (serial, issuer_id, node_id, profile, common_name, dns_names, ip_addresses, key_type,
       not_before, not_after, issued_at, status, actor, der)
       VALUES ('0a1b', 'root', 'ny-core', 'router', '南阳核心', '[]', '[]', 'p256', '2026-01-01', '2027-01-01', '2026-01-01', 'valid', 'ca', x'3082');
     INSERT INTO crls VALUES ('root', 4, '2026-01-01', '2026-01-08', x'3082');
     INSERT INTO meta VALUES ('audit_head', '{"seq":12,"hash":"ab"}');`,
  );
  new CertificateStore(path).close();
  expect(
    inspect(path, (db) => [
      db.prepare('SELECT serial, common_name, status FROM certificates').all(),
      db.prepare('SELECT issuer_id, number FROM crls').all(),
      db.prepare("SELECT value FROM meta WHERE key = 'audit_head'").all(),
    ]),
  ).toEqual({
    version: 1,
    read: [
      [{ serial: '0a1b', common_name: '南阳核心', status: 'valid' }],
      [{ issuer_id: 'root', number: 4 }],
      [{ value: '{"seq":12,"hash":"ab"}' }],
    ],
  });
  stampedNewer(path);
  expect(() => new CertificateStore(path)).toThrow(`CA certificate index ${path} has schema version 99`);
});

test('embedded metrics store: series and samples survive; a meta-schema-1 file gets the new rollup dirty list; the daily rollup is built from the 5-minute rollups', () => {
  const path = oldFile(
    'metrics.sqlite',
    'metrics-embedded.sql',
    `INSERT INTO series VALUES (1, 'interface', 'interface,node=ny-core', '{"node":"ny-core"}');
     INSERT INTO series VALUES (2, 'node', 'node,node=ny-core', '{"node":"ny-core"}');
     INSERT INTO fields VALUES (1, 'inBps');
     INSERT INTO fields VALUES (2, 'reachable');
     INSERT INTO samples VALUES (1, 1, 60000, 1250.5);
     INSERT INTO rollup_5m VALUES (1, 1, 0, 1250.5, 1250.5, 1250.5, 1);
     INSERT INTO rollup_5m VALUES (2, 2, 0, 1, 1, 1, 5), (2, 2, 300000, 0.4, 1, 0, 5), (2, 2, 86400000, 1, 1, 1, 5);`,
  );
  openEmbeddedDatabase(path).close();
  expect(
    inspect(path, (db) => [
      db.prepare('SELECT sid, fid, t, v FROM samples').all(),
      db.prepare('SELECT mean, count FROM rollup_5m WHERE sid = 1').all(),
      db.prepare("SELECT value FROM meta WHERE key = 'schema'").all(),
      db.prepare('SELECT sid, fid, d, count, sum FROM rollup_1d ORDER BY d').all(),
    ]),
  ).toEqual({
    version: 3,
    read: [
      [{ sid: 1, fid: 1, t: 60000, v: 1250.5 }],
      [{ mean: 1250.5, count: 1 }],
      [{ value: '2' }],
      [
        { sid: 2, fid: 2, d: 0, count: 2, sum: 1.4 },
        { sid: 2, fid: 2, d: 86400000, count: 1, sum: 1 },
      ],
    ],
  });

  const older = oldFile(
    'metrics-v1.sqlite',
    'metrics-embedded.sql',
    `UPDATE meta SET value = '1' WHERE key = 'schema';
     DROP TABLE rollup_dirty; CREATE TABLE rollup_dirty (b INTEGER PRIMARY KEY);
     INSERT INTO samples VALUES (1, 1, 60000, 7);`,
  );
  openEmbeddedDatabase(older).close();
  expect(
    inspect(older, (db) => [
      (db.prepare('PRAGMA table_info(rollup_dirty)').all() as Array<{ name: string }>).map((c) => c.name),
      db.prepare('SELECT v FROM samples').all(),
    ]),
  ).toEqual({ version: 3, read: [['sid', 'fid', 'b'], [{ v: 7 }]] });

  stampedNewer(path);
  expect(() => openEmbeddedDatabase(path)).toThrow(`metrics: embedded store ${path} has schema version 99`);
});

test('console identity store: users, sessions and the audit trail survive; later columns are added', () => {
  const state = join(dir, 'console');
  mkdirSync(state);
  oldFile(
    'console/console.sqlite',
    'identity.sql',
    `INSERT INTO users (username, display_name, role, scope, password_hash, created_at_ms) VALUES ('chief', '值班长', 'operator', NULL, 'scrypt$x', 1000);
     INSERT INTO sessions VALUES ('h1', 'chief', 1000, 9000, '127.0.0.1');
     INSERT INTO audit (at_ms, actor, action, target, detail, from_ip) VALUES (1000, 'chief', 'login', 'chief', '{}', '127.0.0.1');`,
  );
  openIdentityDb(state).close();
  const file = join(state, 'console.sqlite');
  const upgraded = inspect(file, (d) => ({
    users: d.prepare('SELECT username, display_name, role FROM users').all(),
    sessionColumns: (d.prepare('PRAGMA table_info(sessions)').all() as Array<{ name: string }>).map(
      (c) => c.name,
    ),
    audit: d.prepare('SELECT actor, action FROM audit').all(),
  }));
  expect(upgraded.version).toBe(1);
  expect(upgraded.read.users).toEqual([{ username: 'chief', display_name: '值班长', role: 'operator' }]);
  expect(upgraded.read.sessionColumns).toContain('method');
  expect(upgraded.read.audit).toEqual([{ actor: 'chief', action: 'login' }]);
  stampedNewer(file);
  expect(() => openIdentityDb(state)).toThrow(`console identity store ${file} has schema version 99`);
});

test('log store (embedded): events survive the upgrade and are still found', async () => {
  const path = oldFile(
    'logs.sqlite',
    'logs.sql',
    `INSERT INTO events (id, time_ms, received_at_ms, node, zone, sender_address, hostname, category, severity, format, text)
       VALUES ('e1', 1000, 1000, 'ny-core', 'internal', '10.41.0.1', 'ny-core', 'login-failure', 'warning', 'huawei-vrp', 'login failed for admin');`,
  );
  const store = openLogStore(`sqlite:${path}`);
  await store.init();
  const page = await store.search({ limit: 10 });
  // Found by text too: the upgrade built the full-text index (one entry per block of events).
  const byText = await store.search({ text: 'admin', limit: 10 });
  await store.close();
  expect(page.events.map((event) => event.id)).toEqual(['e1']);
  expect(byText.events.map((event) => event.id)).toEqual(['e1']);
  expect(inspect(path, () => null).version).toBe(3);
  stampedNewer(path);
  const newer = openLogStore(`sqlite:${path}`);
  await expect(newer.init()).rejects.toThrow(`log store ${path} has schema version 99`);
  await newer.close();
});
