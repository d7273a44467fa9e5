/** Small JSON values kept under a key in console.sqlite (policies, the audit chain's head, notices). */
import type { IdentityDb } from './db';

export function readSetting<T>(db: IdentityDb, key: string): T | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
    { value: string } | undefined;
  return row === undefined ? null : (JSON.parse(row.value) as T);
}

export function writeSetting(db: IdentityDb, key: string, value: unknown): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(value));
}
