import type Database from 'better-sqlite3';
import { openPrivateDatabase } from '../common';

/**
 * Which events this consumer has already handled, by event id, so a redelivery (at-least-once)
 * is acknowledged without running the handlers twice.
 */
export interface HandledLog {
  has(id: string): boolean;
  /**
   * Run `handle` and remember `id` as one step, then call `committed` once the id is durable (the
   * consumer acknowledges the event then). In the SQLite log this is one transaction: a handler
   * whose effect is written to `database` commits with the record, or neither does. A log kept by
   * the handler's own state (the alert engine's) may commit later, with the state the handler
   * changed, and call `committed` then.
   */
  handleOnce(id: string, atMs: number, handle: () => void, committed: () => void): void;
  /** Forget ids older than this: the stream no longer holds their events, so they cannot return. */
  forgetBefore(ms: number): void;
  close(): void;
}

/** The most recent ids in memory: catches redeliveries while the process lives. */
export class RecentIds implements HandledLog {
  private readonly ids = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  handleOnce(id: string, atMs: number, handle: () => void, committed: () => void): void {
    handle();
    this.remember(id, atMs);
    committed();
  }

  /** Remember an id handled elsewhere (committed by a durable log). */
  remember(id: string, atMs: number): void {
    this.ids.set(id, atMs);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
  }

  forgetBefore(ms: number): void {
    for (const [id, atMs] of this.ids) {
      if (atMs >= ms) break;
      this.ids.delete(id);
    }
  }

  close(): void {
    this.ids.clear();
  }
}

/** Ids in a private SQLite file (0600): catches redeliveries after a crash and restart too. */
export class SqliteHandledLog implements HandledLog {
  readonly database: Database.Database;
  private readonly recent = new RecentIds(10_000);
  private readonly lookup: Database.Statement<[string], unknown>;
  private readonly insert: Database.Statement<[string, number]>;
  private readonly prune: Database.Statement<[number]>;

  constructor(path: string) {
    this.database = openPrivateDatabase(path);
    this.database.pragma('journal_mode = WAL');
    // A commit survives the process being killed (the case this log is for) without an fsync each;
    // after a power loss the last ids may be forgotten and their events handled again.
    this.database.pragma('synchronous = NORMAL');
    this.database.exec('CREATE TABLE IF NOT EXISTS handled (id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL)');
    this.database.exec('CREATE INDEX IF NOT EXISTS handled_at ON handled (at_ms)');
    this.lookup = this.database.prepare('SELECT 1 FROM handled WHERE id = ?');
    this.insert = this.database.prepare('INSERT INTO handled (id, at_ms) VALUES (?, ?)');
    this.prune = this.database.prepare('DELETE FROM handled WHERE at_ms < ?');
  }

  has(id: string): boolean {
    return this.recent.has(id) || this.lookup.get(id) !== undefined;
  }

  handleOnce(id: string, atMs: number, handle: () => void, committed: () => void): void {
    this.database.transaction(() => {
      handle();
      this.insert.run(id, atMs);
    })();
    this.recent.remember(id, atMs);
    committed();
  }

  forgetBefore(ms: number): void {
    this.prune.run(ms);
    this.recent.forgetBefore(ms);
  }

  close(): void {
    this.database.close();
  }
}
