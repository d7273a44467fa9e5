/**
 * Append-only, hash-chained audit trail (like pki/audit.ts, in the console's SQLite file): each
 * record carries the hash of the one before and its own hash over its content, so an edited,
 * inserted or deleted row breaks the chain there. The newest (id, hash) is also kept as the head,
 * so rows deleted at the end are detected too; rows removed by retention leave an anchor the chain
 * continues from. Never holds secrets.
 */
import { hash } from 'node:crypto';
import type { AuditRecord, ChainedAuditRecord } from '../../shared';
import type { IdentityDb } from './db';
import { readSetting, writeSetting } from './settings';

export interface AuditInput {
  actor: string;
  action: string;
  target: string;
  detail?: string;
  from: string;
}

interface AuditRow {
  id: number;
  at_ms: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
  from_ip: string;
  prev_hash: string | null;
  hash: string | null;
}

interface ChainLink {
  id: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit_head';
const ANCHOR_KEY = 'audit_anchor';

/** The hashed form of a record: its fields in this order, as JSON. */
export function auditHash(record: Omit<ChainedAuditRecord, 'hash'>): string {
  const canonical = JSON.stringify([
    record.id,
    record.atMs,
    record.actor,
    record.action,
    record.target,
    record.detail,
    record.from,
    record.prevHash,
  ]);
  return hash('sha256', canonical, 'hex');
}

const toRecord = (row: AuditRow): AuditRecord => ({
  id: row.id,
  atMs: row.at_ms,
  actor: row.actor,
  action: row.action,
  target: row.target,
  detail: row.detail,
  from: row.from_ip,
});

const toChained = (row: AuditRow): ChainedAuditRecord => ({
  ...toRecord(row),
  prevHash: row.prev_hash ?? '',
  hash: row.hash ?? '',
});

export interface AuditFilter {
  actor?: string;
  action?: string;
  /** Only these actors (a scoped audit administrator's view). */
  actors?: readonly string[];
  text?: string;
  fromMs?: number;
  toMs?: number;
}

/** The WHERE terms of a filter; every value is a bound parameter. */
function filterClause(filter: AuditFilter): { where: string[]; args: Array<string | number> } {
  const where: string[] = [];
  const args: Array<string | number> = [];
  const add = (term: string, ...values: Array<string | number>) => {
    where.push(term);
    args.push(...values);
  };
  if (filter.actor !== undefined) add('actor = ?', filter.actor);
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.actors !== undefined)
    add(`actor IN (${filter.actors.map(() => '?').join(', ') || 'NULL'})`, ...filter.actors);
  if (filter.text !== undefined && filter.text !== '')
    add("instr(lower(actor || ' ' || action || ' ' || target || ' ' || detail), lower(?)) > 0", filter.text);
  if (filter.fromMs !== undefined) add('at_ms >= ?', filter.fromMs);
  if (filter.toMs !== undefined) add('at_ms < ?', filter.toMs);
  return { where, args };
}

export type AuditVerdict =
  | { ok: true; entries: number; firstId: number | null; lastId: number | null }
  | { ok: false; entryId: number; line: number; reason: string };

/** Checks records in order against the hash chain; names the first bad one (line = 1-based position). */
export function verifyChain(
  records: readonly ChainedAuditRecord[],
  anchor: ChainLink | null,
  head: ChainLink | null,
): AuditVerdict {
  let prevHash = anchor?.hash ?? GENESIS_HASH;
  let prevId = anchor?.id ?? 0;
  for (const [index, record] of records.entries()) {
    const at = { entryId: record.id, line: index + 1 };
    if (record.id <= prevId)
      return { ok: false, ...at, reason: `entry id ${record.id} after ${prevId}: records out of order` };
    if (record.prevHash !== prevHash)
      return {
        ok: false,
        ...at,
        reason: 'its previous-hash does not match the record before it (a record was deleted or inserted)',
      };
    if (auditHash(record) !== record.hash)
      return { ok: false, ...at, reason: 'its content does not match its hash (the record was edited)' };
    prevHash = record.hash;
    prevId = record.id;
  }
  const last = records.at(-1);
  if (head !== null && (last === undefined ? anchor?.id !== head.id : last.id !== head.id))
    return {
      ok: false,
      entryId: head.id,
      line: records.length + 1,
      reason: `the newest entry should be ${head.id} but the trail ends at ${last?.id ?? 'nothing'} (entries were deleted at the end)`,
    };
  return { ok: true, entries: records.length, firstId: records[0]?.id ?? null, lastId: last?.id ?? null };
}

export class AuditTrail {
  private readonly append: (input: AuditInput) => void;

  constructor(
    private readonly db: IdentityDb,
    private readonly now: () => number = Date.now,
  ) {
    const insert = db.prepare(
      'INSERT INTO audit (at_ms, actor, action, target, detail, from_ip, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const setHash = db.prepare('UPDATE audit SET hash = ? WHERE id = ?');
    const appendTx = db.transaction((input: AuditInput) => {
      const prevHash = this.tip().hash;
      const atMs = this.now();
      const detail = input.detail ?? '';
      const result = insert.run(
        atMs,
        input.actor,
        input.action,
        input.target,
        detail,
        input.from,
        prevHash,
        '',
      );
      const id = Number(result.lastInsertRowid);
      const record = { id, atMs, actor: input.actor, action: input.action, target: input.target, detail };
      const own = auditHash({ ...record, from: input.from, prevHash });
      setHash.run(own, id);
      writeSetting(db, HEAD_KEY, { id, hash: own });
    });
    // IMMEDIATE: a CLI process appending at the same time waits instead of forking the chain.
    this.append = (input) => appendTx.immediate(input);
  }

  /** The chain's newest link: the last record, else the retention anchor, else genesis. */
  private tip(): ChainLink {
    const last = this.db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').get() as
      { id: number; hash: string | null } | undefined;
    if (last?.hash) return { id: last.id, hash: last.hash };
    return readSetting<ChainLink>(this.db, ANCHOR_KEY) ?? { id: 0, hash: GENESIS_HASH };
  }

  record(input: AuditInput): void {
    this.append(input);
  }

  /**
   * Chains records written before the chain existed (an older console.sqlite), in id order, and
   * notes that the chain starts there. Returns how many were chained.
   */
  chainUnhashed(): number {
    const rows = this.db.prepare('SELECT * FROM audit WHERE hash IS NULL ORDER BY id').all() as AuditRow[];
    if (rows.length === 0) return 0;
    const update = this.db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?');
    this.db.transaction(() => {
      let prevHash = GENESIS_HASH;
      for (const row of rows) {
        const own = auditHash({ ...toRecord(row), prevHash });
        update.run(prevHash, own, row.id);
        prevHash = own;
      }
      const last = rows.at(-1) as AuditRow;
      writeSetting(this.db, HEAD_KEY, { id: last.id, hash: prevHash });
    })();
    this.record({
      actor: 'system',
      action: 'audit.chain.start',
      target: 'audit',
      detail: `${rows.length} earlier record(s) chained when the hash chain was introduced`,
      from: 'local',
    });
    return rows.length;
  }

  /**
   * Newest first; `beforeId` pages backwards within the same filter. `text` is a plain substring of
   * actor, action, target or detail (instr, so `%` and `_` are literal and no pattern is compiled);
   * `fromMs`/`toMs` bound the time as [from, to).
   */
  list(options: AuditFilter & { limit: number; beforeId?: number }): AuditRecord[] {
    const { where, args } = filterClause(options);
    if (options.beforeId !== undefined) {
      where.push('id < ?');
      args.push(options.beforeId);
    }
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, options.limit) as AuditRow[];
    return rows.map(toRecord);
  }

  /** Every action that occurs among the records the filter allows (by actor), sorted. */
  actions(options: Pick<AuditFilter, 'actors'> = {}): string[] {
    const { where, args } = filterClause(options);
    const sql = `SELECT DISTINCT action FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY action`;
    return (this.db.prepare(sql).all(...args) as Array<{ action: string }>).map((row) => row.action);
  }

  /** Every record in [fromMs, toMs), oldest first, with its chain hashes (for export and verify). */
  *chained(range: { fromMs?: number; toMs?: number } = {}): Generator<ChainedAuditRecord> {
    const rows = this.db
      .prepare('SELECT * FROM audit WHERE at_ms >= ? AND at_ms < ? ORDER BY id')
      .iterate(range.fromMs ?? 0, range.toMs ?? Number.MAX_SAFE_INTEGER) as IterableIterator<AuditRow>;
    for (const row of rows) yield toChained(row);
  }

  /** Verifies the whole trail from its anchor to its head. */
  verify(): AuditVerdict {
    return verifyChain(
      [...this.chained()],
      readSetting<ChainLink>(this.db, ANCHOR_KEY),
      readSetting<ChainLink>(this.db, HEAD_KEY),
    );
  }

  /**
   * Removes records older than the retention, keeping the chain verifiable: the last removed
   * record becomes the anchor the remaining chain starts from. Returns how many were removed.
   */
  purgeOlderThan(retentionDays: number): number {
    const before = this.now() - retentionDays * 86_400_000;
    const last = this.db
      .prepare('SELECT id, hash FROM audit WHERE at_ms < ? ORDER BY id DESC LIMIT 1')
      .get(before) as { id: number; hash: string | null } | undefined;
    if (!last?.hash) return 0;
    const anchor = { id: last.id, hash: last.hash };
    const removed = this.db.transaction(() => {
      writeSetting(this.db, ANCHOR_KEY, anchor);
      return this.db.prepare('DELETE FROM audit WHERE id <= ?').run(anchor.id).changes;
    })();
    this.record({
      actor: 'system',
      action: 'audit.retention',
      target: 'audit',
      detail: `${removed} record(s) older than ${retentionDays} days removed; the chain continues from entry ${anchor.id}`,
      from: 'local',
    });
    return removed;
  }
}
