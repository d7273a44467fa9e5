/** One connection to the embedded log store's file, set up alike on the main and the writer thread. */
import type Database from 'better-sqlite3';
import { openPrivateDatabase } from '../../../common';

/**
 * A new file's page size (an existing one keeps its own): SQLite's largest. A block of events is a
 * few hundred KiB, so it takes a few pages instead of a hundred, and each batch writes that many
 * fewer WAL frames: the writer spent a third of the system time of 4 KiB pages (docs/logs-store.md).
 */
const PAGE_BYTES = 65_536;

/** A writer and a reader share the file (WAL): one waits this long for the other's lock. */
const BUSY_TIMEOUT_MS = 5_000;

export function openSqliteConnection(path: string): Database.Database {
  const db = openPrivateDatabase(path);
  db.pragma(`page_size = ${PAGE_BYTES}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

/**
 * The writer thread's connection only: a checkpoint every 10,000 WAL pages (about 40 MiB of WAL
 * file, SQLite's default 1,000) copies a page the batches keep changing (an index's right edge) into
 * the database once instead of once per batch: 0–8% less CPU an event (docs/logs-store.md), no
 * memory. Durability is the same (WAL, synchronous=NORMAL). The page cache stays at its 2 MiB
 * default: a larger one (16 MiB) added 1–2% more and memory the flood bound counts.
 */
export function tuneWriterConnection(db: Database.Database): Database.Database {
  db.pragma('wal_autocheckpoint = 10000');
  return db;
}
