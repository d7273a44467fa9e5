/** One connection to the embedded log store's file, set up alike on the main and the writer thread. */
import type Database from 'better-sqlite3';
import { openPrivateDatabase } from '../../../common';
import { FOLD_FUNCTION, fold } from './schema';

/** A writer and a reader share the file (WAL): one waits this long for the other's lock. */
const BUSY_TIMEOUT_MS = 5_000;

export function openSqliteConnection(path: string): Database.Database {
  const db = openPrivateDatabase(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.function(FOLD_FUNCTION, { deterministic: true }, (text) => fold(String(text)));
  return db;
}
