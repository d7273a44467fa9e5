/** Sorting the asset register's rows (filtering is shared with the server's export: matchesAssetFilter). */
import type { AssetRowView } from '../../../shared';

export type AssetColumn =
  'name' | 'address' | 'county' | 'vendor' | 'model' | 'serial' | 'softwareRev' | 'certificate' | 'lastSeen';

export interface AssetSort {
  column: AssetColumn;
  descending: boolean;
}

/** 10.2.3.4 sorts before 10.10.0.1: each octet as a number. */
const addressKey = (address: string): number =>
  address.split('.').reduce((sum, octet) => sum * 256 + (Number(octet) || 0), 0);

const CERTIFICATE_ORDER = { revoked: 0, expiring: 1, none: 2, valid: 3 } as const;

function key(row: AssetRowView, column: AssetColumn): string | number {
  switch (column) {
    case 'name':
      return row.name;
    case 'address':
      return addressKey(row.address);
    case 'county':
      return row.county?.name ?? '';
    case 'vendor':
      return row.vendor;
    case 'model':
      return row.model;
    case 'serial':
      return row.serial;
    case 'softwareRev':
      return row.softwareRev;
    case 'certificate':
      return CERTIFICATE_ORDER[row.certificate.state];
    case 'lastSeen':
      return row.lastSeenMs ?? -1;
  }
}

export function sortAssets(rows: readonly AssetRowView[], sort: AssetSort): AssetRowView[] {
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = key(a, sort.column);
    const y = key(b, sort.column);
    const order =
      typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
    return sign * order || a.node.localeCompare(b.node);
  });
}
