/** The alert store's schema, version by version (common/migrations.ts runs the steps a file lacks). */
import type { Migration } from '../common/index';

/** Version 1: the schema as it was before versions were kept (files from then read as version 0). */
const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status TEXT NOT NULL, node TEXT,
  starts_at INTEGER NOT NULL, resolved_at INTEGER, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alerts_status ON alerts(status);
CREATE INDEX IF NOT EXISTS alerts_starts ON alerts(starts_at);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, change TEXT NOT NULL, actor TEXT NOT NULL,
  alert_id TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_at ON events(at_ms);
CREATE TABLE IF NOT EXISTS acks (
  id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, action TEXT NOT NULL,
  actor TEXT NOT NULL, at_ms INTEGER NOT NULL, comment TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS acks_alert ON acks(alert_id);
CREATE TABLE IF NOT EXISTS silences (id TEXT PRIMARY KEY, body TEXT NOT NULL, deleted_at INTEGER);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, dedup_key TEXT NOT NULL UNIQUE, receiver TEXT NOT NULL,
  alert_id TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending', last_error TEXT,
  created_ms INTEGER NOT NULL, delivered_ms INTEGER);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_attempt_ms);
`;

export const ALERT_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'alerts, change events, acks, silences, notification outbox',
    up: (db) => db.exec(SCHEMA_V1),
  },
  {
    version: 2,
    description: 'bus event ids the engine handled, committed with the state they changed',
    up: (db) =>
      db.exec(`
CREATE TABLE IF NOT EXISTS handled_events (id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS handled_events_at ON handled_events(at_ms);
`),
  },
];
