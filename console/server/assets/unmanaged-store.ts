/**
 * Devices seen but not in the inventory (未纳管设备), in assets.sqlite (0600, schema step 3 of the
 * asset register's file): one row per source and device (and, for LLDP, the node and port that saw
 * it), its counts and first/last seen, the proposal, and who dismissed it. Bounded at `maxRows`: a
 * new device beyond that evicts the least seen (lowest count, then longest unseen), counted.
 */
import type Database from 'better-sqlite3';
import type { Migration } from '../../../common';
import type { NodeId, SightingSource, UnmanagedSightingEvent } from '../../../domain';

export const MAX_UNMANAGED_ROWS = 2000;

export const UNMANAGED_MIGRATION: Omit<Migration, 'version'> = {
  description: 'devices seen but not in the inventory',
  up(db) {
    db.exec(`
CREATE TABLE IF NOT EXISTS unmanaged (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  address TEXT NOT NULL,
  name TEXT NOT NULL,
  chassis_id TEXT NOT NULL,
  node TEXT NOT NULL,
  if_name TEXT NOT NULL,
  remote_port TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  proposal TEXT NOT NULL,
  dismissed_by TEXT,
  dismissed_at_ms INTEGER,
  UNIQUE (source, address, name, node, if_name)
);
CREATE TABLE IF NOT EXISTS unmanaged_evicted (id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL);
INSERT OR IGNORE INTO unmanaged_evicted (id, count) VALUES (1, 0);
`);
  },
};

/** A row: the sightings of one device added up (count, first and last seen), and its dismissal. */
export type UnmanagedDevice = Omit<UnmanagedSightingEvent, 'type' | 'timeMs'> & {
  id: number;
  dismissed: { by: string; atMs: number } | null;
};

interface UnmanagedRow {
  id: number;
  source: SightingSource;
  address: string;
  name: string;
  chassis_id: string;
  node: string;
  if_name: string;
  remote_port: string;
  count: number;
  first_seen_ms: number;
  last_seen_ms: number;
  proposal: string;
  dismissed_by: string | null;
  dismissed_at_ms: number | null;
}

const orNull = (text: string): string | null => (text === '' ? null : text);

function deviceOf(row: UnmanagedRow): UnmanagedDevice {
  return {
    id: row.id,
    source: row.source,
    address: orNull(row.address),
    name: orNull(row.name),
    chassisId: orNull(row.chassis_id),
    seenBy:
      row.node === '' ? null : { node: row.node as NodeId, ifName: row.if_name, remotePort: row.remote_port },
    count: row.count,
    firstSeenMs: row.first_seen_ms,
    lastSeenMs: row.last_seen_ms,
    proposal: row.proposal,
    dismissed:
      row.dismissed_by === null || row.dismissed_at_ms === null
        ? null
        : { by: row.dismissed_by, atMs: row.dismissed_at_ms },
  };
}

export class UnmanagedTable {
  constructor(
    private readonly db: Database.Database,
    private readonly maxRows = MAX_UNMANAGED_ROWS,
  ) {}

  /** Adds the sighting to its device's row (a new row, evicting the least seen when full). */
  record(event: UnmanagedSightingEvent): void {
    const key = [
      event.source,
      event.address ?? '',
      event.name ?? '',
      event.seenBy?.node ?? '',
      event.seenBy?.ifName ?? '',
    ];
    this.db.transaction(() => {
      const updated = this.db
        .prepare(
          `UPDATE unmanaged SET count = count + ?, first_seen_ms = MIN(first_seen_ms, ?),
             last_seen_ms = MAX(last_seen_ms, ?), chassis_id = ?, remote_port = ?, proposal = ?
           WHERE source = ? AND address = ? AND name = ? AND node = ? AND if_name = ?`,
        )
        .run(
          event.count,
          event.firstSeenMs,
          event.lastSeenMs,
          event.chassisId ?? '',
          event.seenBy?.remotePort ?? '',
          event.proposal,
          ...key,
        );
      if (updated.changes > 0) return;
      this.evictBeyond(this.maxRows - 1);
      this.db
        .prepare(
          `INSERT INTO unmanaged (source, address, name, node, if_name, chassis_id, remote_port, count, first_seen_ms, last_seen_ms, proposal)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          ...key,
          event.chassisId ?? '',
          event.seenBy?.remotePort ?? '',
          event.count,
          event.firstSeenMs,
          event.lastSeenMs,
          event.proposal,
        );
    })();
  }

  /** Every row, dismissed ones included, most recently seen first. */
  all(): UnmanagedDevice[] {
    const rows = this.db
      .prepare('SELECT * FROM unmanaged ORDER BY last_seen_ms DESC, id DESC')
      .all() as UnmanagedRow[];
    return rows.map(deviceOf);
  }

  byId(id: number): UnmanagedDevice | null {
    const row = this.db.prepare('SELECT * FROM unmanaged WHERE id = ?').get(id) as UnmanagedRow | undefined;
    return row ? deviceOf(row) : null;
  }

  /** Marks a row dismissed: it stays (so later sightings do not bring it back) but is not listed. */
  dismiss(id: number, by: string, atMs: number): void {
    this.db
      .prepare('UPDATE unmanaged SET dismissed_by = ?, dismissed_at_ms = ? WHERE id = ?')
      .run(by, atMs, id);
  }

  remove(ids: readonly number[]): void {
    const remove = this.db.prepare('DELETE FROM unmanaged WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) remove.run(id);
    })();
  }

  /** Rows evicted to keep the table bounded, since the file was made. */
  evicted(): number {
    const row = this.db.prepare('SELECT count FROM unmanaged_evicted WHERE id = 1').get() as
      { count: number } | undefined;
    return row?.count ?? 0;
  }

  private evictBeyond(keep: number): void {
    const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM unmanaged').get() as { n: number };
    if (n <= keep) return;
    const excess = n - keep;
    this.db
      .prepare(
        `DELETE FROM unmanaged WHERE id IN (
           SELECT id FROM unmanaged ORDER BY count ASC, last_seen_ms ASC, id ASC LIMIT ?)`,
      )
      .run(excess);
    this.db.prepare('UPDATE unmanaged_evicted SET count = count + ? WHERE id = 1').run(excess);
  }
}
