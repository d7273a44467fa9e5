/** Append-only audit trail: who did what to which target, when, from where. Never holds secrets. */
import type { AuditRecord } from '../../shared';
import type { IdentityDb } from './db';

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
}

export class AuditTrail {
  private readonly insert;
  constructor(
    private readonly db: IdentityDb,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.prepare(
      'INSERT INTO audit (at_ms, actor, action, target, detail, from_ip) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  record(input: AuditInput): void {
    this.insert.run(this.now(), input.actor, input.action, input.target, input.detail ?? '', input.from);
  }

  /** Newest first; `beforeId` pages backwards. */
  list(options: {
    limit: number;
    beforeId?: number;
    actor?: string;
    action?: string;
    actors?: string[];
  }): AuditRecord[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (options.beforeId !== undefined) {
      where.push('id < ?');
      args.push(options.beforeId);
    }
    if (options.actor !== undefined) {
      where.push('actor = ?');
      args.push(options.actor);
    }
    if (options.action !== undefined) {
      where.push('action = ?');
      args.push(options.action);
    }
    if (options.actors !== undefined) {
      where.push(`actor IN (${options.actors.map(() => '?').join(', ') || 'NULL'})`);
      args.push(...options.actors);
    }
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, options.limit) as AuditRow[];
    return rows.map((row) => ({
      id: row.id,
      atMs: row.at_ms,
      actor: row.actor,
      action: row.action,
      target: row.target,
      detail: row.detail,
      from: row.from_ip,
    }));
  }
}
