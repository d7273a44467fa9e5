/**
 * The console's own SQLite file (<stateDir>/console.sqlite): users, sessions, API tokens, audit.
 * Raw metric history never lives here (that is the MetricsStore's job).
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  cacheStatements,
  ensurePrivateDir,
  migrate,
  type Migration,
  openPrivateDatabase,
} from '../../../common';
import { USER_ROLES } from '../../shared';

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
CREATE TABLE IF NOT EXISTS password_history (
  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
  password_hash TEXT NOT NULL,
  changed_at_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS password_history_by_user ON password_history(username, changed_at_ms);
CREATE TABLE IF NOT EXISTS recovery_codes (
  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at_ms INTEGER
);
-- Policies and one-off notes, as JSON under a key.
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** Columns added after the first release; added in place to an older console.sqlite. */
const ADDED_COLUMNS: Array<[table: string, column: string, type: string]> = [
  ['users', 'password_changed_ms', 'INTEGER'],
  ['users', 'totp_secret', 'TEXT'],
  ['users', 'totp_pending_secret', 'TEXT'],
  ['users', 'totp_last_step', 'INTEGER'],
  ['users', 'cert_name', 'TEXT'],
  ['audit', 'prev_hash', 'TEXT'],
  ['audit', 'hash', 'TEXT'],
  ['sessions', 'method', "TEXT NOT NULL DEFAULT 'password'"],
];

function addMissingColumns(db: IdentityDb): void {
  for (const [table, column, type] of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
    if (!columns.some((existing) => existing.name === column))
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

/** One role per account, from the known list: the database refuses anything else (三权分立). */
function guardRoles(db: IdentityDb): void {
  const known = USER_ROLES.map((role) => `'${role}'`).join(', ');
  for (const when of ['INSERT', 'UPDATE OF role']) {
    const name = `users_one_known_role_${when === 'INSERT' ? 'insert' : 'update'}`;
    db.exec(`DROP TRIGGER IF EXISTS ${name};
      CREATE TRIGGER ${name} BEFORE ${when} ON users
      WHEN NEW.role NOT IN (${known})
      BEGIN SELECT RAISE(ABORT, 'a user holds exactly one known role'); END;`);
  }
}

/** By PRAGMA user_version (common/migrations.ts); a schema change is a new step, never an edit of one. */
const IDENTITY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description:
      'users, sessions, API tokens, login failures, audit, settings (columns added before versions were kept)',
    up: (db) => {
      db.exec(SCHEMA);
      addMissingColumns(db);
    },
  },
];

export const DB_FILE = 'console.sqlite';

export { guardRoles };

export function openIdentityDb(stateDir: string): IdentityDb {
  // Users, sessions and the audit trail are the owner's only: folder 0700, database (and WAL) 0600.
  ensurePrivateDir(stateDir);
  const db = cacheStatements(openPrivateDatabase(join(stateDir, DB_FILE)));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db, `console identity store ${join(stateDir, DB_FILE)}`, IDENTITY_MIGRATIONS);
  return db;
}
