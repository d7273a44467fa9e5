/**
 * The asset register's file, <stateDir>/assets.sqlite (0600): each node's chassis and parts as last
 * read, when first and last seen, and every change with its old and new value (kept, like the audit:
 * the register is evidence for audits and budgets). Schema versioned (common/migrations.ts).
 */
import type Database from 'better-sqlite3';
import { cacheStatements, migrate, openPrivateDatabase, type Migration } from '../../../common';
import type { NodeId } from '../../../domain';
import type { AssetChange } from './changes';
import type { AssetObservation, ModuleFacts, PartFacts } from './observation';
import { UNMANAGED_MIGRATION, UnmanagedTable } from './unmanaged-store';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'assets, their parts and their changes',
    up(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS assets (
  node TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  serial TEXT NOT NULL,
  hardware_rev TEXT NOT NULL,
  firmware_rev TEXT NOT NULL,
  software_rev TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  -- null until the entity table has been read (hosts without ENTITY-MIB never are)
  read_at_ms INTEGER
);
CREATE TABLE IF NOT EXISTS asset_modules (
  node TEXT NOT NULL,
  slot TEXT NOT NULL,
  class TEXT NOT NULL,
  name TEXT NOT NULL,
  model TEXT NOT NULL,
  serial TEXT NOT NULL,
  hardware_rev TEXT NOT NULL,
  firmware_rev TEXT NOT NULL,
  software_rev TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  read_at_ms INTEGER NOT NULL,
  PRIMARY KEY (node, slot)
);
CREATE TABLE IF NOT EXISTS asset_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  node TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  change TEXT NOT NULL,
  slot TEXT NOT NULL,
  slot_name TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS asset_changes_by_node ON asset_changes(node, at_ms);
`);
    },
  },
  {
    version: 2,
    description: 'the class and container of a part, for parts inserted and removed',
    up(db) {
      db.exec(`
ALTER TABLE asset_modules ADD COLUMN container TEXT NOT NULL DEFAULT '';
ALTER TABLE asset_changes ADD COLUMN part_class TEXT NOT NULL DEFAULT '';
ALTER TABLE asset_changes ADD COLUMN container TEXT NOT NULL DEFAULT '';
`);
    },
  },
  { version: 3, ...UNMANAGED_MIGRATION },
];

export interface StoredAsset {
  node: NodeId;
  chassis: PartFacts;
  modules: ModuleFacts[];
  firstSeenMs: number;
  lastSeenMs: number;
  /** When the entity table was last read (every few polls); null: never (a host without ENTITY-MIB). */
  readAtMs: number | null;
}

export interface StoredChange extends AssetChange {
  id: number;
}

interface AssetRow {
  node: string;
  model: string;
  serial: string;
  hardware_rev: string;
  firmware_rev: string;
  software_rev: string;
  first_seen_ms: number;
  last_seen_ms: number;
  read_at_ms: number | null;
}

interface ModuleRow {
  node: string;
  slot: string;
  class: string;
  name: string;
  container: string;
  model: string;
  serial: string;
  hardware_rev: string;
  firmware_rev: string;
  software_rev: string;
}

interface ChangeRow {
  id: number;
  node: string;
  at_ms: number;
  change: AssetChange['change'];
  slot: string;
  slot_name: string;
  field: AssetChange['field'];
  old_value: string;
  new_value: string;
  part_class: string;
  container: string;
}

const partOf = (row: Omit<ModuleRow, 'node' | 'slot' | 'class' | 'name' | 'container'>): PartFacts => ({
  model: row.model,
  serial: row.serial,
  hardwareRev: row.hardware_rev,
  firmwareRev: row.firmware_rev,
  softwareRev: row.software_rev,
});

const changeOf = (row: ChangeRow): StoredChange => ({
  id: row.id,
  node: row.node as NodeId,
  timeMs: row.at_ms,
  change: row.change,
  slot: row.slot,
  slotName: row.slot_name,
  field: row.field,
  oldValue: row.old_value,
  newValue: row.new_value,
  partClass: row.part_class,
  container: row.container,
});

const samePart = (a: PartFacts, b: PartFacts): boolean =>
  a.model === b.model &&
  a.serial === b.serial &&
  a.hardwareRev === b.hardwareRev &&
  a.firmwareRev === b.firmwareRev &&
  a.softwareRev === b.softwareRev;

/** Same chassis and the same parts in the same slots (names and classes too). */
export function sameHardware(before: StoredAsset, obs: AssetObservation): boolean {
  if (!samePart(before.chassis, obs.chassis) || before.modules.length !== obs.modules.length) return false;
  const bySlot = new Map(before.modules.map((m) => [m.slot, m]));
  return obs.modules.every((m) => {
    const old = bySlot.get(m.slot);
    return (
      old !== undefined &&
      old.name === m.name &&
      old.class === m.class &&
      old.container === m.container &&
      samePart(old, m)
    );
  });
}

export class AssetStore {
  private readonly db: Database.Database;
  /** Devices seen but not in the inventory (unmanaged-store.ts). */
  readonly unmanaged: UnmanagedTable;

  constructor(path: string) {
    this.db = cacheStatements(openPrivateDatabase(path));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    migrate(this.db, `asset register ${path}`, MIGRATIONS);
    this.unmanaged = new UnmanagedTable(this.db);
  }

  /**
   * The read and its changes in one transaction: a crash never keeps one without the other. `before`
   * is the asset as last recorded: a read that matches it only moves its times (one UPDATE).
   */
  record(obs: AssetObservation, changes: readonly AssetChange[], before: StoredAsset | null): void {
    if (before !== null && before.readAtMs !== null && changes.length === 0 && sameHardware(before, obs)) {
      this.db
        .prepare('UPDATE assets SET read_at_ms = ?, last_seen_ms = MAX(last_seen_ms, ?) WHERE node = ?')
        .run(obs.timeMs, obs.timeMs, obs.node);
      return;
    }
    const c = obs.chassis;
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO assets (node, model, serial, hardware_rev, firmware_rev, software_rev, first_seen_ms, last_seen_ms, read_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(node) DO UPDATE SET model = excluded.model, serial = excluded.serial,
             hardware_rev = excluded.hardware_rev, firmware_rev = excluded.firmware_rev,
             software_rev = excluded.software_rev, last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms),
             first_seen_ms = MIN(first_seen_ms, excluded.first_seen_ms),
             read_at_ms = excluded.read_at_ms`,
        )
        .run(
          obs.node,
          c.model,
          c.serial,
          c.hardwareRev,
          c.firmwareRev,
          c.softwareRev,
          obs.timeMs,
          obs.timeMs,
          obs.timeMs,
        );
      // Parts no longer reported (a card pulled) leave the register; their history stays in changes.
      this.db
        .prepare('DELETE FROM asset_modules WHERE node = ? AND read_at_ms < ?')
        .run(obs.node, obs.timeMs);
      for (const m of obs.modules)
        this.db
          .prepare(
            `INSERT INTO asset_modules (node, slot, class, name, container, model, serial, hardware_rev, firmware_rev, software_rev, first_seen_ms, read_at_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(node, slot) DO UPDATE SET class = excluded.class, name = excluded.name, container = excluded.container, model = excluded.model,
               serial = excluded.serial, hardware_rev = excluded.hardware_rev, firmware_rev = excluded.firmware_rev,
               software_rev = excluded.software_rev, read_at_ms = excluded.read_at_ms,
               first_seen_ms = CASE WHEN asset_modules.serial = excluded.serial THEN asset_modules.first_seen_ms ELSE excluded.first_seen_ms END`,
          )
          .run(
            obs.node,
            m.slot,
            m.class,
            m.name,
            m.container,
            m.model,
            m.serial,
            m.hardwareRev,
            m.firmwareRev,
            m.softwareRev,
            obs.timeMs,
            obs.timeMs,
          );
      for (const change of changes)
        this.db
          .prepare(
            'INSERT INTO asset_changes (node, at_ms, change, slot, slot_name, field, old_value, new_value, part_class, container) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            change.node,
            change.timeMs,
            change.change,
            change.slot,
            change.slotName,
            change.field,
            change.oldValue,
            change.newValue,
            change.partClass,
            change.container,
          );
    })();
  }

  /** Nodes with a row (seen at least once). */
  nodes(): Set<string> {
    const rows = this.db.prepare('SELECT node FROM assets').all() as Array<{ node: string }>;
    return new Set(rows.map((row) => row.node));
  }

  /** A node answered for the first time: its row, before (or without) any hardware read. */
  firstSeen(node: NodeId, atMs: number): void {
    this.db
      .prepare(
        `INSERT INTO assets (node, model, serial, hardware_rev, firmware_rev, software_rev, first_seen_ms, last_seen_ms, read_at_ms)
         VALUES (?, '', '', '', '', '', ?, ?, NULL) ON CONFLICT(node) DO NOTHING`,
      )
      .run(node, atMs, atMs);
  }

  /** Last seen (any answered poll) for many nodes at once; only ever moves forward. */
  touch(lastSeen: ReadonlyMap<NodeId, number>): void {
    const update = this.db.prepare('UPDATE assets SET last_seen_ms = MAX(last_seen_ms, ?) WHERE node = ?');
    this.db.transaction(() => {
      for (const [node, atMs] of lastSeen) update.run(atMs, node);
    })();
  }

  all(): StoredAsset[] {
    const assets = this.db.prepare('SELECT * FROM assets').all() as AssetRow[];
    const modules = new Map<string, ModuleFacts[]>();
    const rows = this.db
      .prepare('SELECT * FROM asset_modules ORDER BY node, CAST(slot AS INTEGER), slot')
      .all() as ModuleRow[];
    for (const row of rows) {
      const list = modules.get(row.node) ?? [];
      list.push({
        slot: row.slot,
        class: row.class,
        name: row.name,
        container: row.container,
        ...partOf(row),
      });
      modules.set(row.node, list);
    }
    return assets.map((row) => ({
      node: row.node as NodeId,
      chassis: partOf(row),
      modules: modules.get(row.node) ?? [],
      firstSeenMs: row.first_seen_ms,
      lastSeenMs: row.last_seen_ms,
      readAtMs: row.read_at_ms,
    }));
  }

  /** Newest first; `nodes` limits to those (a scope), `node` to one. */
  changes(query: { nodes?: readonly string[] | null; node?: string; limit: number }): StoredChange[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (query.node !== undefined) {
      where.push('node = ?');
      args.push(query.node);
    }
    if (query.nodes) {
      where.push(`node IN (SELECT value FROM json_each(?))`);
      args.push(JSON.stringify(query.nodes));
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM asset_changes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at_ms DESC, id DESC LIMIT ?`,
      )
      .all(...args, query.limit) as ChangeRow[];
    return rows.map(changeOf);
  }

  /** How many changes each node has on record. */
  changeCounts(): Map<string, number> {
    const rows = this.db
      .prepare('SELECT node, COUNT(*) AS n FROM asset_changes GROUP BY node')
      .all() as Array<{
      node: string;
      n: number;
    }>;
    return new Map(rows.map((row) => [row.node, row.n]));
  }

  close(): void {
    this.db.close();
  }
}
