import { DAY_MS, type NodeId } from '../domain';
import type { CertificateRecord, RevocationReason } from '../pki';

/**
 * Certificates of the month from the CA's index: issued in it, revoked in it (with the reason), and
 * those still valid that expire within 30 days after it ends (what the next month must renew) —
 * less those already renewed by the time the report is made: a certificate issued later for the
 * same subject (the same node and profile, or for a CA's own certificates the same name, profile
 * and issuer), or issued as its renewal, that is valid then and outlives it. Those are listed as
 * renewed, with the certificate that replaces them.
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

export interface RenewedRow extends CertificateRow {
  /** The certificate that replaces it: valid when the report was made, expiring later. */
  renewedBySerial: string;
  renewedByNotAfterMs: number;
}

export interface PkiSection {
  issued: CertificateRow[];
  revoked: RevokedRow[];
  /**
   * Valid at the period's end, expiring within `expiringWithinDays` after it and not yet renewed
   * when the report was made, soonest first.
   */
  expiring: CertificateRow[];
  /** Would have been expiring, but a newer valid certificate for the same subject exists. */
  renewed: RenewedRow[];
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

/** Who a certificate is for: a node's certificates by node and profile, a CA's own by name too. */
const subjectOf = (record: CertificateRecord): string =>
  record.nodeId !== null
    ? `node\n${record.nodeId}\n${record.profile}`
    : `ca\n${record.issuerId}\n${record.profile}\n${record.commonName}`;

/** Valid at `atMs`: issued by then, not yet expired, not revoked by then. */
const validAt = (record: CertificateRecord, atMs: number): boolean =>
  Date.parse(record.issuedAt) <= atMs &&
  Date.parse(record.notAfter) > atMs &&
  (record.revokedAt === null || Date.parse(record.revokedAt) > atMs);

/** The newest certificate replacing `record` that is valid at `asOfMs`, or null. */
function renewalOf(
  record: CertificateRecord,
  related: { bySubject: Map<string, CertificateRecord[]>; byRenewedFrom: Map<string, CertificateRecord[]> },
  asOfMs: number,
): CertificateRecord | null {
  const candidates = [
    ...(related.bySubject.get(subjectOf(record)) ?? []),
    ...(related.byRenewedFrom.get(record.serial) ?? []),
  ].filter(
    (other) =>
      other.serial !== record.serial &&
      (other.renewedFrom === record.serial || Date.parse(other.issuedAt) > Date.parse(record.issuedAt)) &&
      Date.parse(other.notAfter) > Date.parse(record.notAfter) &&
      validAt(other, asOfMs),
  );
  candidates.sort((x, y) => Date.parse(y.notAfter) - Date.parse(x.notAfter));
  return candidates[0] ?? null;
}

function groupBy(
  records: readonly CertificateRecord[],
  keyOf: (record: CertificateRecord) => string | null,
): Map<string, CertificateRecord[]> {
  const groups = new Map<string, CertificateRecord[]>();
  for (const record of records) {
    const key = keyOf(record);
    if (key === null) continue;
    const group = groups.get(key) ?? [];
    groups.set(key, group);
    group.push(record);
  }
  return groups;
}

export function buildPkiSection(input: {
  certificates: readonly CertificateRecord[];
  period: { startMs: number; endMs: number };
  /** A scoped report's nodes: only their certificates (CA certificates belong to no county). */
  scope: ReadonlySet<NodeId> | null;
  /** When the report is made: a renewal counts if it is valid then (default: the period's end). */
  asOfMs?: number;
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
  const dueForRenewal = records.filter(
    (record) =>
      (record.status === 'valid' || Date.parse(record.revokedAt ?? '') >= endMs) &&
      Date.parse(record.issuedAt) < endMs &&
      within(Date.parse(record.notAfter), endMs, horizonMs),
  );
  const asOfMs = Math.max(input.asOfMs ?? endMs, endMs);
  const related = {
    bySubject: groupBy(records, subjectOf),
    byRenewedFrom: groupBy(records, (record) => record.renewedFrom),
  };
  const expiring: CertificateRow[] = [];
  const renewed: RenewedRow[] = [];
  for (const record of dueForRenewal) {
    const renewal = renewalOf(record, related, asOfMs);
    if (renewal === null) expiring.push(rowOf(record));
    else
      renewed.push({
        ...rowOf(record),
        renewedBySerial: renewal.serial,
        renewedByNotAfterMs: Date.parse(renewal.notAfter),
      });
  }
  const soonestFirst = (x: CertificateRow, y: CertificateRow) => x.notAfterMs - y.notAfterMs;
  const byTime = (x: CertificateRow, y: CertificateRow) => x.issuedAtMs - y.issuedAtMs;
  return {
    issued: issued.sort(byTime),
    revoked: revoked.sort((x, y) => x.revokedAtMs - y.revokedAtMs),
    expiring: expiring.sort(soonestFirst),
    renewed: renewed.sort(soonestFirst),
    expiringWithinDays: EXPIRING_WITHIN_DAYS,
  };
}
