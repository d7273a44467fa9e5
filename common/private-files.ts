import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Files that hold state (users, sessions, audit, alerts, the PKI index, keys) are readable by their
 * owner only: folders 0700, files 0600. SQLite creates its -wal and -shm files with the database
 * file's own mode, so creating the database file 0600 first covers them too.
 */

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the folder (and missing parents) 0700 and tightens it when it already exists, except a
 * shared sticky folder such as /tmp, which is never ours to change.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const { mode } = statSync(dir);
  if ((mode & 0o1000) === 0 && (mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Writes a whole file 0600 (also when it already existed with a wider mode). */
export function writePrivateFile(path: string, content: string | Uint8Array): void {
  writeFileSync(path, content, { mode: PRIVATE_FILE_MODE });
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** Creates an empty file 0600 if missing and tightens an existing one. */
export function touchPrivateFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * Opens (creating if needed) an SQLite database in a 0700 folder as a 0600 file, with its WAL and
 * shared-memory files tightened too where an older version left them wider.
 */
export function openPrivateDatabase(path: string, options?: Database.Options): Database.Database {
  if (path === ':memory:') return new Database(path, options);
  ensurePrivateDir(dirname(path));
  touchPrivateFile(path);
  for (const suffix of ['-wal', '-shm', '-journal']) {
    if (existsSync(path + suffix)) chmodSync(path + suffix, PRIVATE_FILE_MODE);
  }
  return new Database(path, options);
}
