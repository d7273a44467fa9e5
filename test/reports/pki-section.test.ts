/**
 * The certificates section from a CA index's records: issued and revoked within the month, and
 * those valid at its end that expire within 30 days after it (soonest first); a county's report
 * keeps its own nodes' certificates only (CA certificates belong to no county).
 */
import { describe, expect, it } from 'vitest';
import type { CertificateRecord } from '../../pki';
import { buildPkiSection } from '../../reports/pki-section';
import { asNodeId } from '../../domain';

const DAY_MS = 86_400_000;
/** November 2026 in China time. */
const START_MS = Date.UTC(2026, 10, 1) - 8 * 3_600_000;
const END_MS = Date.UTC(2026, 11, 1) - 8 * 3_600_000;
const iso = (atMs: number) => new Date(atMs).toISOString();

function record(
  serial: string,
  nodeId: string | null,
  issuedAtMs: number,
  notAfterMs: number,
  revoked?: { atMs: number; reason: CertificateRecord['revocationReason'] },
  changes: Partial<CertificateRecord> = {},
): CertificateRecord {
  const base: CertificateRecord = {
    serial,
    issuerId: 'nanyang-branch',
    nodeId,
    profile: nodeId === null ? 'ocsp-signer' : 'router',
    commonName: `${nodeId ?? 'ocsp'}.nanyang.gov.cn`,
    dnsNames: [],
    ipAddresses: [],
    keyType: 'sm2',
    notBefore: iso(issuedAtMs),
    notAfter: iso(notAfterMs),
    issuedAt: iso(issuedAtMs),
    status: revoked ? 'revoked' : 'valid',
    revokedAt: revoked ? iso(revoked.atMs) : null,
    revocationReason: revoked?.reason ?? null,
    renewedFrom: null,
    actor: 'ops',
  };
  return { ...base, ...changes };
}

const RECORDS: CertificateRecord[] = [
  record('a1', 'neixiang-gw', START_MS + 2 * DAY_MS, START_MS + 400 * DAY_MS), // issued in the month
  record('a2', 'nanzhao-gw', START_MS - 300 * DAY_MS, END_MS + 10 * DAY_MS), // expires 10 days after
  record('a3', 'xichuan-gw', START_MS - 300 * DAY_MS, END_MS + 29 * DAY_MS), // 29 days after
  record('a4', 'xichuan-gw', START_MS - 300 * DAY_MS, END_MS + 31 * DAY_MS), // 31 days: not listed
  record('a5', 'nanzhao-gw', START_MS - 300 * DAY_MS, END_MS + 5 * DAY_MS, {
    atMs: START_MS + 9 * DAY_MS,
    reason: 'keyCompromise',
  }), // revoked in the month: listed revoked, not expiring
  record('a6', 'xichuan-gw', START_MS - 300 * DAY_MS, END_MS + 3 * DAY_MS, {
    atMs: END_MS + DAY_MS,
    reason: 'superseded',
  }), // revoked after the month: still valid at its end, so expiring
  record('a7', 'xichuan-gw', START_MS - 300 * DAY_MS, START_MS + 20 * DAY_MS), // expired inside the month
  record('o1', null, START_MS + DAY_MS, END_MS + 20 * DAY_MS), // a CA's OCSP signer
  record('a8', 'xichuan-gw', END_MS + DAY_MS, END_MS + 20 * DAY_MS), // issued after the month
];

/** a2 and a3 renewed (or not) after the month ends, before the report is made on day 2 of the next. */
const AS_OF_MS = END_MS + 2 * DAY_MS;
const RENEWALS: CertificateRecord[] = [
  // a2's node and profile, issued the day after the month: a2 is renewed (same subject).
  record('b2', 'nanzhao-gw', END_MS + DAY_MS, END_MS + 400 * DAY_MS),
  // a3's renewal, but revoked before the report: a3 still needs renewing.
  record('b3', 'xichuan-gw', END_MS + DAY_MS, END_MS + 400 * DAY_MS, {
    atMs: END_MS + 1.5 * DAY_MS,
    reason: 'keyCompromise',
  }),
  // Another profile on a3's node: not a3's subject.
  record('c3', 'xichuan-gw', END_MS + DAY_MS, END_MS + 400 * DAY_MS, undefined, { profile: 'vpn-gateway' }),
  // The OCSP signer renewed by the CA (renewedFrom names it): o1 is renewed.
  record('o2', null, END_MS + DAY_MS, END_MS + 90 * DAY_MS, undefined, { renewedFrom: 'o1' }),
  // a6's node and profile, issued after the report was made: not yet a renewal.
  record('b6', 'xichuan-gw', AS_OF_MS + DAY_MS, END_MS + 400 * DAY_MS),
];

describe('PKI section', () => {
  it('lists the issued, the revoked with their reason, and those expiring within 30 days after the month', () => {
    const section = buildPkiSection({
      certificates: RECORDS,
      period: { startMs: START_MS, endMs: END_MS },
      scope: null,
    });
    expect(section.issued.map((row) => row.serial)).toEqual(['o1', 'a1']);
    expect(section.revoked.map((row) => [row.serial, row.reason])).toEqual([['a5', 'keyCompromise']]);
    expect(section.expiring.map((row) => row.serial)).toEqual(['a6', 'a2', 'o1', 'a3']);
    expect(section.expiringWithinDays).toBe(30);
  });

  it('shows as renewed, not expiring, what a newer valid certificate for the same subject replaces', () => {
    const section = buildPkiSection({
      certificates: [...RECORDS, ...RENEWALS],
      period: { startMs: START_MS, endMs: END_MS },
      scope: null,
      asOfMs: AS_OF_MS,
    });
    // a6 (3 days after) is replaced by a8, issued after it and valid 20 days; a3 (29 days) is not.
    expect(section.expiring.map((row) => row.serial)).toEqual(['a3']);
    expect(section.renewed.map((row) => [row.serial, row.renewedBySerial])).toEqual([
      ['a6', 'a8'],
      ['a2', 'b2'],
      ['o1', 'o2'],
    ]);
    expect(section.renewed[1]?.renewedByNotAfterMs).toBe(END_MS + 400 * DAY_MS);
    // Made later, when b6 exists and is valid: it replaces both of xichuan-gw's router certificates.
    const later = buildPkiSection({
      certificates: [...RECORDS, ...RENEWALS],
      period: { startMs: START_MS, endMs: END_MS },
      scope: null,
      asOfMs: AS_OF_MS + 2 * DAY_MS,
    });
    expect(later.expiring).toEqual([]);
    expect(later.renewed.map((row) => [row.serial, row.renewedBySerial])).toEqual([
      ['a6', 'b6'],
      ['a2', 'b2'],
      ['o1', 'o2'],
      ['a3', 'b6'],
    ]);
  });

  it("a county's report keeps its own nodes' certificates", () => {
    const section = buildPkiSection({
      certificates: RECORDS,
      period: { startMs: START_MS, endMs: END_MS },
      scope: new Set([asNodeId('nanzhao-gw')]),
    });
    expect(section.issued).toEqual([]);
    expect(section.revoked.map((row) => row.serial)).toEqual(['a5']);
    expect(section.expiring.map((row) => row.serial)).toEqual(['a2']);
  });
});
