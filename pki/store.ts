/**
 * The CA's certificate index (better-sqlite3, DIR/ca.sqlite): every certificate ever issued, by serial
 * (PRIMARY KEY, rows never deleted, so a serial is never reused), revocation state, CRL numbers and the
 * audit-log anchor. WAL with synchronous=NORMAL: consistent after a crash; see README.md.
 */
import type Database from 'better-sqlite3';
import { migrate, openPrivateDatabase } from '../common/index';
import type { AuditHead } from './audit';
import type { RevocationReason } from './revocation-reasons';
import { PKI_INDEX_MIGRATIONS } from './store-schema';

export {
  REVOCATION_REASONS,
  isRevocationReason,
  reasonCode,
  type RevocationReason,
} from './revocation-reasons';

export type CertificateStatus = 'valid' | 'revoked';

export interface CertificateRecord {
  /** Lowercase hex without leading zeros. */
  serial: string;
  issuerId: string;
  /** The inventory node it was issued to; null for CA certificates. */
  nodeId: string | null;
  profile: string;
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  keyType: string;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
  status: CertificateStatus;
  revokedAt: string | null;
  revocationReason: RevocationReason | null;
  renewedFrom: string | null;
  actor: string;
}

export interface CertificateRow {
  serial: string;
  issuer_id: string;
  node_id: string | null;
  profile: string;
  common_name: string;
  dns_names: string;
  ip_addresses: string;
  key_type: string;
  not_before: string;
  not_after: string;
  issued_at: string;
  status: CertificateStatus;
  revoked_at: string | null;
  revocation_reason: RevocationReason | null;
  renewed_from: string | null;
  actor: string;
}

export function toRecord(row: CertificateRow): CertificateRecord {
  return {
    serial: row.serial,
    issuerId: row.issuer_id,
    nodeId: row.node_id,
    profile: row.profile,
    commonName: row.common_name,
    dnsNames: JSON.parse(row.dns_names) as string[],
    ipAddresses: JSON.parse(row.ip_addresses) as string[],
    keyType: row.key_type,
    notBefore: row.not_before,
    notAfter: row.not_after,
    issuedAt: row.issued_at,
    status: row.status,
    revokedAt: row.revoked_at,
    revocationReason: row.revocation_reason,
    renewedFrom: row.renewed_from,
    actor: row.actor,
  };
}

export interface CertificateFilter {
  nodeId?: string;
  issuerId?: string;
  profile?: string;
  status?: CertificateStatus;
  /** Only certificates whose notAfter is before this time. */
  expiresBefore?: Date;
  /** Substring of the CN or a SAN. */
  search?: string;
  limit?: number;
}

export interface CrlState {
  issuerId: string;
  number: number;
  thisUpdate: string;
  nextUpdate: string;
  der: Buffer;
}

export interface RevokedEntry {
  serial: string;
  revokedAt: string;
  reason: RevocationReason;
}

/** Most writes grouped into one commit (see transaction()). */
const GROUP_COMMIT_MAX = 256;

export class CertificateStore {
  readonly db: Database.Database;
  private pendingWrites = 0;
  private commitScheduled = false;
  private pendingHead: AuditHead | null = null;
  /**
   * Runs when a group transaction begins, holding the database's write lock: the audit log takes
   * its head from the anchor here, so two processes writing one CA directory (the console server
   * and a CLI command) extend one chain instead of forking it.
   */
  afterBegin: (() => void) | null = null;
  /** Runs before every commit (the audit log flushes its buffered lines). */
  beforeCommit: (() => void) | null = null;
  private readonly insertStmt: Database.Statement;
  /** One savepoint wrapper for every write: better-sqlite3 builds a new one per transaction() call. */
  private readonly savepoint: (work: () => unknown) => unknown;
  private readonly getStmt: Database.Statement<[string]>;
  private readonly headStmt: Database.Statement;

  constructor(path: string) {
    this.db = openPrivateDatabase(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    migrate(this.db, `CA certificate index ${path}`, PKI_INDEX_MIGRATIONS);
    this.savepoint = this.db.transaction((work: () => unknown) => work());
    this.insertStmt = this.db.prepare(`INSERT INTO certificates
      (serial, issuer_id, node_id, profile, common_name, dns_names, ip_addresses, key_type, not_before, not_after,
       issued_at, status, renewed_from, actor, der)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?)`);
    this.getStmt = this.db.prepare('SELECT * FROM certificates WHERE serial = ?');
    this.headStmt = this.db.prepare(`INSERT INTO meta (key, value) VALUES ('audit_head', ?)
      ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  }

  /**
   * Runs `work` atomically (a savepoint) inside a group transaction that commits at the end of the
   * current event-loop turn (a microtask, so before any response leaves the process) or after
   * GROUP_COMMIT_MAX writes, whichever is first. Constraint errors still surface here, synchronously.
   * Reads on this connection see the writes at once; other processes see them after the commit.
   */
  transaction<T>(work: () => T): T {
    if (!this.db.inTransaction) {
      this.db.exec('BEGIN IMMEDIATE');
      this.afterBegin?.();
    }
    const result = this.savepoint(work) as T;
    this.pendingWrites += 1;
    if (this.pendingWrites >= GROUP_COMMIT_MAX) this.commit();
    else if (!this.commitScheduled) {
      this.commitScheduled = true;
      queueMicrotask(() => {
        this.commitScheduled = false;
        this.commit();
      });
    }
    return result;
  }

  /** Commits the open group transaction, if any. */
  commit(): void {
    this.beforeCommit?.();
    if (this.db.open && this.db.inTransaction) {
      if (this.pendingHead) this.headStmt.run(JSON.stringify(this.pendingHead));
      this.db.exec('COMMIT');
    }
    this.pendingHead = null;
    this.pendingWrites = 0;
  }

  insert(record: Omit<CertificateRecord, 'status' | 'revokedAt' | 'revocationReason'>, der: Buffer): void {
    this.insertStmt.run(
      record.serial,
      record.issuerId,
      record.nodeId,
      record.profile,
      record.commonName,
      JSON.stringify(record.dnsNames),
      JSON.stringify(record.ipAddresses),
      record.keyType,
      record.notBefore,
      record.notAfter,
      record.issuedAt,
      record.renewedFrom,
      record.actor,
      der,
    );
  }

  get(serial: string): { record: CertificateRecord; der: Buffer } | null {
    const row = this.getStmt.get(serial) as (CertificateRow & { der: Buffer }) | undefined;
    return row ? { record: toRecord(row), der: row.der } : null;
  }

  list(filter: CertificateFilter = {}): CertificateRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.nodeId !== undefined) {
      where.push('node_id = @nodeId');
      params.nodeId = filter.nodeId;
    }
    if (filter.issuerId !== undefined) {
      where.push('issuer_id = @issuerId');
      params.issuerId = filter.issuerId;
    }
    if (filter.profile !== undefined) {
      where.push('profile = @profile');
      params.profile = filter.profile;
    }
    if (filter.status !== undefined) {
      where.push('status = @status');
      params.status = filter.status;
    }
    if (filter.expiresBefore !== undefined) {
      where.push('not_after < @expiresBefore');
      params.expiresBefore = filter.expiresBefore.toISOString();
    }
    if (filter.search !== undefined) {
      where.push(
        "(common_name LIKE @search ESCAPE '\\' OR dns_names LIKE @search ESCAPE '\\' OR ip_addresses LIKE @search ESCAPE '\\')",
      );
      params.search = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const sql = `SELECT serial, issuer_id, node_id, profile, common_name, dns_names, ip_addresses, key_type, not_before,
      not_after, issued_at, status, revoked_at, revocation_reason, renewed_from, actor FROM certificates
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ${Math.max(1, Math.min(filter.limit ?? 10_000, 100_000))}`;
    return (this.db.prepare(sql).all(params) as CertificateRow[]).map(toRecord);
  }

  markRevoked(serial: string, revokedAt: string, reason: RevocationReason): void {
    this.db
      .prepare(
        "UPDATE certificates SET status = 'revoked', revoked_at = ?, revocation_reason = ? WHERE serial = ?",
      )
      .run(revokedAt, reason, serial);
  }

  revokedBy(issuerId: string): RevokedEntry[] {
    return (
      this.db
        .prepare(
          "SELECT serial, revoked_at, revocation_reason FROM certificates WHERE issuer_id = ? AND status = 'revoked' ORDER BY revoked_at, serial",
        )
        .all(issuerId) as { serial: string; revoked_at: string; revocation_reason: RevocationReason }[]
    ).map((row) => ({ serial: row.serial, revokedAt: row.revoked_at, reason: row.revocation_reason }));
  }

  /** Status lookup for OCSP: only what the responder needs. */
  statusOf(
    issuerId: string,
    serial: string,
  ): { status: CertificateStatus; revokedAt: string | null; reason: RevocationReason | null } | null {
    const row = this.getStmt.get(serial) as CertificateRow | undefined;
    if (!row || row.issuer_id !== issuerId) return null;
    return { status: row.status, revokedAt: row.revoked_at, reason: row.revocation_reason };
  }

  warnedDays(serial: string): number | null {
    const row = this.db.prepare('SELECT warned_days FROM certificates WHERE serial = ?').get(serial) as
      { warned_days: number | null } | undefined;
    return row?.warned_days ?? null;
  }

  setWarnedDays(serial: string, days: number): void {
    this.db.prepare('UPDATE certificates SET warned_days = ? WHERE serial = ?').run(days, serial);
  }

  getCrl(issuerId: string): CrlState | null {
    const row = this.db.prepare('SELECT * FROM crls WHERE issuer_id = ?').get(issuerId) as
      | { issuer_id: string; number: number; this_update: string; next_update: string; der: Buffer }
      | undefined;
    return row
      ? {
          issuerId: row.issuer_id,
          number: row.number,
          thisUpdate: row.this_update,
          nextUpdate: row.next_update,
          der: row.der,
        }
      : null;
  }

  putCrl(state: CrlState): void {
    this.db
      .prepare(
        `INSERT INTO crls (issuer_id, number, this_update, next_update, der) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(issuer_id) DO UPDATE SET number = excluded.number, this_update = excluded.this_update,
        next_update = excluded.next_update, der = excluded.der`,
      )
      .run(state.issuerId, state.number, state.thisUpdate, state.nextUpdate, state.der);
  }

  auditHead(): AuditHead | null {
    if (this.pendingHead) return this.pendingHead;
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'audit_head'").get() as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as AuditHead) : null;
  }

  /** Anchors the audit log's newest entry; written with the group commit it belongs to. */
  setAuditHead(head: AuditHead): void {
    if (this.db.inTransaction) this.pendingHead = head;
    else this.headStmt.run(JSON.stringify(head));
  }

  close(): void {
    this.commit();
    this.db.close();
  }
}
