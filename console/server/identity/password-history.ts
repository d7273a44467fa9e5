/**
 * The hashes of a user's recent passwords (the current one included), so a new password may not
 * repeat any of the last N (account policy `historyCount`). Older entries are forgotten.
 */
import type { IdentityDb } from './db';
import { verifyPassword } from './passwords';

export class PasswordHistory {
  constructor(private readonly db: IdentityDb) {}

  /** True when `password` matches one of the user's last `count` passwords. */
  async repeats(username: string, password: string, count: number): Promise<boolean> {
    if (count === 0) return false;
    const rows = this.db
      .prepare(
        'SELECT password_hash FROM password_history WHERE username = ? ORDER BY changed_at_ms DESC, rowid DESC LIMIT ?',
      )
      .all(username, count) as Array<{ password_hash: string }>;
    for (const row of rows) if (await verifyPassword(password, row.password_hash)) return true;
    return false;
  }

  remember(username: string, passwordHash: string, atMs: number, keep: number): void {
    this.db
      .prepare('INSERT INTO password_history (username, password_hash, changed_at_ms) VALUES (?, ?, ?)')
      .run(username, passwordHash, atMs);
    this.db
      .prepare(
        `DELETE FROM password_history WHERE username = ? AND rowid NOT IN (
           SELECT rowid FROM password_history WHERE username = ? ORDER BY changed_at_ms DESC, rowid DESC LIMIT ?)`,
      )
      .run(username, username, Math.max(keep, 1));
  }
}
