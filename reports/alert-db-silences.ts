import Database from 'better-sqlite3';
import type { Silence } from '../domain';

/**
 * Maintenance windows and planned work as the alert engine keeps them: its state file's `silences`
 * table (one JSON body a silence, deleted ones marked). Opened read-only: the running engine owns it.
 */
export function readSilences(alertsDbPath: string): Silence[] {
  const db = new Database(alertsDbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], { body: string }>('SELECT body FROM silences WHERE deleted_at IS NULL')
      .all()
      .map((row) => JSON.parse(row.body) as Silence);
  } finally {
    db.close();
  }
}
