import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { toRecord, type CertificateRecord, type CertificateRow } from './store';

/**
 * The certificate index of a CA directory read without unlocking the CA: no passphrase, no keys,
 * the database opened read-only (the console or a `ca` command may be writing it). For reports.
 */
export function readCertificateIndex(dir: string): CertificateRecord[] {
  const path = join(dir, 'ca.sqlite');
  if (!existsSync(path)) throw new Error(`${dir} holds no CA (no ca.sqlite)`);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const rows = db
      .prepare(
        `SELECT serial, issuer_id, node_id, profile, common_name, dns_names, ip_addresses, key_type, not_before,
          not_after, issued_at, status, revoked_at, revocation_reason, renewed_from, actor FROM certificates ORDER BY id`,
      )
      .all() as CertificateRow[];
    return rows.map(toRecord);
  } finally {
    db.close();
  }
}
