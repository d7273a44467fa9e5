/** The CA certificate index's schema, version by version (common/migrations.ts runs the steps a file lacks). */
import type { Migration } from '../common/index';

/** Version 1: the schema as it was before versions were kept (files from then read as version 0). */
const SCHEMA_V1 = `
-- Rows are appended in issue order (rowid), so an insert dirties the last page, not a random
-- one; the serial lookup is a small UNIQUE index. Rows are never deleted: a serial is never reused.
CREATE TABLE IF NOT EXISTS certificates (
  id INTEGER PRIMARY KEY,
  serial TEXT NOT NULL UNIQUE,
  issuer_id TEXT NOT NULL,
  node_id TEXT,
  profile TEXT NOT NULL,
  common_name TEXT NOT NULL,
  dns_names TEXT NOT NULL,
  ip_addresses TEXT NOT NULL,
  key_type TEXT NOT NULL,
  not_before TEXT NOT NULL,
  not_after TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  status TEXT NOT NULL,
  revoked_at TEXT,
  revocation_reason TEXT,
  renewed_from TEXT,
  actor TEXT NOT NULL,
  warned_days INTEGER,
  der BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS certificates_node ON certificates(node_id);
CREATE INDEX IF NOT EXISTS certificates_expiry ON certificates(not_after);
CREATE INDEX IF NOT EXISTS certificates_revoked ON certificates(issuer_id) WHERE status = 'revoked';
CREATE TABLE IF NOT EXISTS crls (
  issuer_id TEXT PRIMARY KEY,
  number INTEGER NOT NULL,
  this_update TEXT NOT NULL,
  next_update TEXT NOT NULL,
  der BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export const PKI_INDEX_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'certificates (never deleted: serials never reused), CRL state, audit anchor',
    up: (db) => db.exec(SCHEMA_V1),
  },
];
