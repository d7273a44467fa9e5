/**
 * The console's own SQLite file (<stateDir>/console.sqlite): users, sessions, API tokens, audit.
 * Raw metric history never lives here (that is the MetricsStore's job).
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { ensurePrivateDir, openPrivateDatabase } from '../../../common';

export type IdentityDb = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  scope TEXT,
  password_hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  last_login_ms INTEGER,
  locked INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until_ms INTEGER
);
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  from_ip TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(username);
CREATE TABLE IF NOT EXISTS api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT NOT NULL UNIQUE,
  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  last_used_ms INTEGER
);
-- Consecutive failed logins per name, known or not, so an unknown name locks like a known one.
CREATE TABLE IF NOT EXISTS login_failures (
  username TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until_ms INTEGER,
  last_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  from_ip TEXT NOT NULL
);
`;

export const DB_FILE = 'console.sqlite';

export function openIdentityDb(stateDir: string): IdentityDb {
  // Users, sessions and the audit trail are the owner's only: folder 0700, database (and WAL) 0600.
  ensurePrivateDir(stateDir);
  const db = openPrivateDatabase(join(stateDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}
