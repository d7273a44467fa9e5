import { DAY_MS, type NodeId } from '../domain';
import type { CertificateRecord, RevocationReason } from '../pki';

/**
 * Certificates of the month from the CA's index: issued in it, revoked in it (with the reason), and
 * those still valid that expire within 30 days after it ends (what the next month must renew).
 */

export interface CertificateRow {
  serial: string;
  commonName: string;
  node: string | null;
  profile: string;
  issuerId: string;
  issuedAtMs: number;
  notAfterMs: number;
}

export interface RevokedRow extends CertificateRow {
  revokedAtMs: number;
  reason: RevocationReason | null;
}

export interface PkiSection {
  issued: CertificateRow[];
  revoked: RevokedRow[];
  /** Valid at the period's end and expiring within `expiringWithinDays` after it, soonest first. */
  expiring: CertificateRow[];
  expiringWithinDays: number;
}

export const EXPIRING_WITHIN_DAYS = 30;

const rowOf = (record: CertificateRecord): CertificateRow => ({
  serial: record.serial,
  commonName: record.commonName,
  node: record.nodeId,
  profile: record.profile,
  issuerId: record.issuerId,
  issuedAtMs: Date.parse(record.issuedAt),
  notAfterMs: Date.parse(record.notAfter),
});

const within = (atMs: number, fromMs: number, toMs: number): boolean => atMs >= fromMs && atMs < toMs;

export function buildPkiSection(input: {
  certificates: readonly CertificateRecord[];
  period: { startMs: number; endMs: number };
  /** A scoped report's nodes: only their certificates (CA certificates belong to no county). */
  scope: ReadonlySet<NodeId> | null;
}): PkiSection {
  const { startMs, endMs } = input.period;
  const horizonMs = endMs + EXPIRING_WITHIN_DAYS * DAY_MS;
  const records = input.certificates.filter(
    (record) => input.scope === null || (record.nodeId !== null && input.scope.has(record.nodeId as NodeId)),
  );
  const issued = records.filter((record) => within(Date.parse(record.issuedAt), startMs, endMs)).map(rowOf);
  const revoked = records
    .filter((record) => record.revokedAt !== null && within(Date.parse(record.revokedAt), startMs, endMs))
    .map((record) => ({
      ...rowOf(record),
      revokedAtMs: Date.parse(record.revokedAt as string),
      reason: record.revocationReason,
    }));
  const expiring = records
    .filter(
      (record) =>
        (record.status === 'valid' || Date.parse(record.revokedAt ?? '') >= endMs) &&
        Date.parse(record.issuedAt) < endMs &&
        within(Date.parse(record.notAfter), endMs, horizonMs),
    )
    .map(rowOf)
    .sort((x, y) => x.notAfterMs - y.notAfterMs);
  const byTime = (x: CertificateRow, y: CertificateRow) => x.issuedAtMs - y.issuedAtMs;
  return {
    issued: issued.sort(byTime),
    revoked: revoked.sort((x, y) => x.revokedAtMs - y.revokedAtMs),
    expiring,
    expiringWithinDays: EXPIRING_WITHIN_DAYS,
  };
}
