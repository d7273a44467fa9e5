/**
 * The content baselines of defacement checks (网页篡改) and since when a watched page has not changed
 * (staleness, 死网), kept in the collector's state directory as
 * <stateDir>/check-baselines.sqlite (file 0600, folder 0700; every write one SQLite transaction, so a
 * crash never leaves half a write): keyed by check id and URL, the significant content's SHA-256 the
 * collector first saw, or the one an operator accepted. A restart compares with the stored baseline,
 * so a page defaced while the collector was down is still a defacement afterwards, and a page that
 * has not changed for days keeps its age across restarts (table `unchanged_since`).
 *
 * `egov-noc checks rebaseline` accepts a legitimate change: it drops the check's baseline (the next
 * run adopts the page as it then is) or sets the hash the operator gives, and records who, why and
 * the old and new hash in `baseline_changes` (kept). A running collector reads the stored baseline
 * on every run, so it sees the operator's decision at its next run.
 */
import type Database from 'better-sqlite3';
import { cacheStatements, migrate, openPrivateDatabase, type Migration } from '../../common';

export const BASELINES_FILE = 'check-baselines.sqlite';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'content baselines of defacement checks and their changes',
    up(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS baselines (
  check_id TEXT NOT NULL,
  url TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  set_at_ms INTEGER NOT NULL,
  -- 'collector' when adopted from the first content seen; the operator otherwise
  set_by TEXT NOT NULL,
  PRIMARY KEY (check_id, url)
);
CREATE TABLE IF NOT EXISTS baseline_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  check_id TEXT NOT NULL,
  url TEXT NOT NULL,
  -- 'adopted' (first content seen), 'rebaselined' (dropped: the next run adopts), 'pinned' (hash given)
  action TEXT NOT NULL,
  old_sha256 TEXT,
  new_sha256 TEXT,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL
);
`);
    },
  },
  {
    version: 2,
    description: 'since when each watched page has not changed (staleness)',
    up(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS unchanged_since (
  check_id TEXT NOT NULL,
  url TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  PRIMARY KEY (check_id, url)
);
`);
    },
  },
];

export interface StoredBaseline {
  check: string;
  url: string;
  sha256: string;
  setAtMs: number;
  setBy: string;
}

export interface BaselineChange {
  atMs: number;
  check: string;
  url: string;
  action: 'adopted' | 'rebaselined' | 'pinned';
  oldSha256: string | null;
  newSha256: string | null;
  actor: string;
  reason: string;
}

export interface RebaselineRequest {
  check: string;
  /** Only this URL of the check; all of its URLs when absent. */
  url?: string;
  /** The accepted content's hash; absent: the next run adopts the page as it then is. */
  sha256?: string;
  actor: string;
  reason: string;
  atMs: number;
}

interface BaselineRow {
  check_id: string;
  url: string;
  sha256: string;
  set_at_ms: number;
  set_by: string;
}

interface ChangeRow {
  at_ms: number;
  check_id: string;
  url: string;
  action: BaselineChange['action'];
  old_sha256: string | null;
  new_sha256: string | null;
  actor: string;
  reason: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

const baselineOf = (row: BaselineRow): StoredBaseline => ({
  check: row.check_id,
  url: row.url,
  sha256: row.sha256,
  setAtMs: row.set_at_ms,
  setBy: row.set_by,
});

export class BaselineStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = cacheStatements(openPrivateDatabase(path));
    this.db.pragma('journal_mode = WAL');
    // Several writers (the collector, the CLI): wait for the other's transaction rather than fail.
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db, `check baselines ${path}`, MIGRATIONS);
  }

  get(check: string, url: string): StoredBaseline | null {
    const row = this.db.prepare('SELECT * FROM baselines WHERE check_id = ? AND url = ?').get(check, url) as
      BaselineRow | undefined;
    return row ? baselineOf(row) : null;
  }

  /**
   * The first content seen becomes the baseline unless one exists (another writer may have set it
   * between the read and this call): the baseline in force afterwards.
   */
  adopt(check: string, url: string, sha256: string, atMs: number): StoredBaseline {
    return this.db.transaction(() => {
      const existing = this.get(check, url);
      if (existing) return existing;
      this.db
        .prepare(
          "INSERT INTO baselines (check_id, url, sha256, set_at_ms, set_by) VALUES (?, ?, ?, ?, 'collector')",
        )
        .run(check, url, sha256, atMs);
      this.record({
        atMs,
        check,
        url,
        action: 'adopted',
        oldSha256: null,
        newSha256: sha256,
        actor: 'collector',
        reason: 'first content seen',
      });
      return { check, url, sha256, setAtMs: atMs, setBy: 'collector' };
    })();
  }

  /** An operator accepts a change: the baselines it replaced (none: the check had none stored). */
  rebaseline(request: RebaselineRequest): StoredBaseline[] {
    if (request.sha256 !== undefined && !SHA256.test(request.sha256))
      throw new Error('--sha256 must be 64 lower-case hex digits (the sha256 a service.check event reports)');
    if (request.sha256 !== undefined && request.url === undefined)
      throw new Error('--sha256 names one page: give --url too');
    return this.db.transaction(() => {
      const replaced = this.matching(request.check, request.url);
      const urls = request.url !== undefined ? [request.url] : replaced.map((b) => b.url);
      for (const url of urls) {
        const old = replaced.find((b) => b.url === url)?.sha256 ?? null;
        if (request.sha256 === undefined)
          this.db.prepare('DELETE FROM baselines WHERE check_id = ? AND url = ?').run(request.check, url);
        else
          this.db
            .prepare(
              `INSERT INTO baselines (check_id, url, sha256, set_at_ms, set_by) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(check_id, url) DO UPDATE SET sha256 = excluded.sha256, set_at_ms = excluded.set_at_ms, set_by = excluded.set_by`,
            )
            .run(request.check, url, request.sha256, request.atMs, request.actor);
        this.record({
          atMs: request.atMs,
          check: request.check,
          url,
          action: request.sha256 === undefined ? 'rebaselined' : 'pinned',
          oldSha256: old,
          newSha256: request.sha256 ?? null,
          actor: request.actor,
          reason: request.reason,
        });
      }
      return replaced;
    })();
  }

  /** The page's significant content hash and since when it has been the same; null: never stored. */
  unchangedSince(check: string, url: string): { sha256: string; sinceMs: number } | null {
    const row = this.db
      .prepare('SELECT sha256, since_ms FROM unchanged_since WHERE check_id = ? AND url = ?')
      .get(check, url) as { sha256: string; since_ms: number } | undefined;
    return row ? { sha256: row.sha256, sinceMs: row.since_ms } : null;
  }

  /** The page changed (or was first seen): its new hash, unchanged since `sinceMs`. */
  pageChanged(check: string, url: string, sha256: string, sinceMs: number): void {
    this.db
      .prepare(
        `INSERT INTO unchanged_since (check_id, url, sha256, since_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT(check_id, url) DO UPDATE SET sha256 = excluded.sha256, since_ms = excluded.since_ms`,
      )
      .run(check, url, sha256, sinceMs);
  }

  /** Stored baselines, of one check or all, by check and URL. */
  list(check?: string): StoredBaseline[] {
    return this.matching(check, undefined);
  }

  /** Baseline changes, newest first. */
  changes(limit: number): BaselineChange[] {
    const rows = this.db
      .prepare('SELECT * FROM baseline_changes ORDER BY id DESC LIMIT ?')
      .all(limit) as ChangeRow[];
    return rows.map((row) => ({
      atMs: row.at_ms,
      check: row.check_id,
      url: row.url,
      action: row.action,
      oldSha256: row.old_sha256,
      newSha256: row.new_sha256,
      actor: row.actor,
      reason: row.reason,
    }));
  }

  close(): void {
    this.db.close();
  }

  private matching(check: string | undefined, url: string | undefined): StoredBaseline[] {
    const where: string[] = [];
    const args: string[] = [];
    if (check !== undefined) {
      where.push('check_id = ?');
      args.push(check);
    }
    if (url !== undefined) {
      where.push('url = ?');
      args.push(url);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM baselines ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY check_id, url`,
      )
      .all(...args) as BaselineRow[];
    return rows.map(baselineOf);
  }

  private record(change: BaselineChange): void {
    this.db
      .prepare(
        'INSERT INTO baseline_changes (at_ms, check_id, url, action, old_sha256, new_sha256, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        change.atMs,
        change.check,
        change.url,
        change.action,
        change.oldSha256,
        change.newSha256,
        change.actor,
        change.reason,
      );
  }
}
