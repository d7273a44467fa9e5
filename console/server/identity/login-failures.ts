/**
 * Consecutive failed logins per username, counted when an attempt starts (before the slow password
 * check), in one synchronous SQLite statement sequence: parallel guesses cannot read the same count.
 * Names that are not users are counted the same way, so a lock answer does not reveal who exists.
 */
import type { IdentityDb } from './db';

export interface LockoutPolicy {
  /** Attempts without a success that lock the name... */
  maxFailures: number;
  /** ...for this long. */
  lockMs: number;
}
export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

export type AttemptGate = { locked: false } | { locked: true; untilMs: number };

interface FailureRow {
  failures: number;
  locked_until_ms: number | null;
}

export class LoginFailures {
  private readonly begin: (username: string) => AttemptGate;

  constructor(
    private readonly db: IdentityDb,
    /** Read at each attempt: the account policy may change while the server runs. */
    private readonly policy: () => LockoutPolicy,
    private readonly now: () => number,
  ) {
    const read = db.prepare('SELECT failures, locked_until_ms FROM login_failures WHERE username = ?');
    const write = db.prepare(
      `INSERT INTO login_failures (username, failures, locked_until_ms, last_at_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (username) DO UPDATE SET failures = excluded.failures,
         locked_until_ms = excluded.locked_until_ms, last_at_ms = excluded.last_at_ms`,
    );
    this.begin = db.transaction((username: string): AttemptGate => {
      const now = this.now();
      const row = read.get(username) as FailureRow | undefined;
      if (row?.locked_until_ms != null && row.locked_until_ms > now)
        return { locked: true, untilMs: row.locked_until_ms };
      // A lock that ran out starts a fresh count.
      const failures = (row && row.locked_until_ms === null ? row.failures : 0) + 1;
      const policy = this.policy();
      const lockedUntil = failures >= policy.maxFailures ? now + policy.lockMs : null;
      write.run(username, failures, lockedUntil, now);
      return { locked: false };
    });
  }

  /** Count an attempt on `username` before checking its password; refused when the name is locked. */
  startAttempt(username: string): AttemptGate {
    return this.begin(username);
  }

  /** The password was right: the count starts again. Also an admin's unlock. */
  clear(username: string): void {
    this.db.prepare('DELETE FROM login_failures WHERE username = ?').run(username);
  }

  /** Rows whose lock (or last attempt) is older than the lock period are forgotten. */
  purge(): number {
    const before = this.now() - this.policy().lockMs;
    return this.db
      .prepare(
        'DELETE FROM login_failures WHERE last_at_ms <= ? AND (locked_until_ms IS NULL OR locked_until_ms <= ?)',
      )
      .run(before, this.now()).changes;
  }
}
