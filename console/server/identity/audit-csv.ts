/**
 * The audit as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs read Chinese text). A cell
 * that a spreadsheet would run as a formula (= + - @ first) gets a leading apostrophe: the CSV is
 * for reading; verify the chain on the JSON export or with `egov-noc audit verify`.
 */
import { csvLine } from '../../../domain';
import type { ChainedAuditRecord } from '../../shared';

const COLUMNS = ['id', 'time', 'actor', 'action', 'target', 'detail', 'from', 'prevHash', 'hash'] as const;

export const auditCsvHeader = (): string => `\uFEFF${COLUMNS.join(',')}\r\n`;

export function auditCsvLine(record: ChainedAuditRecord): string {
  const values = [
    record.id,
    new Date(record.atMs).toISOString(),
    record.actor,
    record.action,
    record.target,
    record.detail,
    record.from,
    record.prevHash,
    record.hash,
  ];
  return `${csvLine(values)}\r\n`;
}
