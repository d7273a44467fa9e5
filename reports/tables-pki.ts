import { formatLocal } from './period';
import { round, type Label, type ReportTable } from './table-cells';
import type { MonthlyReport } from './types';

const DAY_MS = 86_400_000;

const CERTIFICATE_COLUMNS: Label[] = [
  { zh: '序列号', en: 'Serial' },
  { zh: '名称', en: 'Common name' },
  { zh: '节点', en: 'Node' },
  { zh: '用途', en: 'Profile' },
];

/** Certificates issued and revoked in the month, and those expiring within 30 days after it. */
export function pkiTables(report: MonthlyReport): ReportTable[] {
  if (report.pki === null) return [];
  const offset = report.period.utcOffsetMin;
  const { issued, revoked, expiring, renewed, expiringWithinDays } = report.pki;
  return [
    {
      key: 'certsIssued',
      title: { zh: '本月签发的证书', en: 'Certificates issued' },
      columns: [
        ...CERTIFICATE_COLUMNS,
        { zh: '签发机构', en: 'Issuer' },
        { zh: '签发时间', en: 'Issued' },
        { zh: '到期时间', en: 'Expires' },
      ],
      rows: issued.map((row) => [
        row.serial,
        row.commonName,
        row.node,
        row.profile,
        row.issuerId,
        formatLocal(row.issuedAtMs, offset),
        formatLocal(row.notAfterMs, offset),
      ]),
    },
    {
      key: 'certsRevoked',
      title: { zh: '本月吊销的证书', en: 'Certificates revoked' },
      columns: [...CERTIFICATE_COLUMNS, { zh: '吊销时间', en: 'Revoked' }, { zh: '原因', en: 'Reason' }],
      rows: revoked.map((row) => [
        row.serial,
        row.commonName,
        row.node,
        row.profile,
        formatLocal(row.revokedAtMs, offset),
        row.reason,
      ]),
    },
    {
      key: 'certsExpiring',
      title: {
        zh: `月末后 ${expiringWithinDays} 天内到期的证书`,
        en: `Certificates expiring within ${expiringWithinDays} days after the month`,
      },
      columns: [
        ...CERTIFICATE_COLUMNS,
        { zh: '到期时间', en: 'Expires' },
        { zh: '月末后天数', en: 'Days after month end' },
      ],
      rows: expiring.map((row) => [
        row.serial,
        row.commonName,
        row.node,
        row.profile,
        formatLocal(row.notAfterMs, offset),
        round((row.notAfterMs - report.period.endMs) / DAY_MS, 1),
      ]),
    },
    {
      key: 'certsRenewed',
      title: {
        zh: `月末后 ${expiringWithinDays} 天内到期、已续期的证书`,
        en: `Certificates expiring within ${expiringWithinDays} days after the month, already renewed`,
      },
      columns: [
        ...CERTIFICATE_COLUMNS,
        { zh: '到期时间', en: 'Expires' },
        { zh: '新证书序列号', en: 'Renewed by (serial)' },
        { zh: '新证书到期时间', en: 'Renewal expires' },
      ],
      rows: renewed.map((row) => [
        row.serial,
        row.commonName,
        row.node,
        row.profile,
        formatLocal(row.notAfterMs, offset),
        row.renewedBySerial,
        formatLocal(row.renewedByNotAfterMs, offset),
      ]),
    },
  ];
}
