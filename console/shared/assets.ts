/**
 * The asset register (设备台账) as the console server gives it and the Assets page shows it:
 * GET /api/assets, GET /api/assets/changes, GET /api/assets/export (XLSX or CSV of the same rows).
 */
import type { AssetChangeKind, DeviceRole, Tier, Zone } from '../../domain';

/** From the PKI index: a valid certificate for the node, one within 30 days of expiry, only revoked ones, none. */
export const CERTIFICATE_STATES = ['valid', 'expiring', 'revoked', 'none'] as const;
export type CertificateState = (typeof CERTIFICATE_STATES)[number];

export interface AssetModuleView {
  /** entPhysicalIndex */
  slot: string;
  /** entPhysicalClass in words: module, port, powerSupply, fan … */
  class: string;
  name: string;
  model: string;
  serial: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
}

export interface AssetRowView {
  node: string;
  name: string;
  address: string;
  tier: Tier;
  zone: Zone;
  role: DeviceRole;
  vendor: string;
  /** As read from the device (ENTITY-MIB); the inventory's model until it has been read. */
  model: string;
  serial: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
  /** The county or district the node belongs to (its nearest county/district-tier node); null above. */
  county: { id: string; name: string } | null;
  /** The inventory's location (site, room). */
  location: string;
  /** Null until the device's hardware has been read once. */
  firstSeenMs: number | null;
  lastSeenMs: number | null;
  /** When the entity table was last read: how old serials and revisions are. */
  readAtMs: number | null;
  certificate: { state: CertificateState; notAfterMs: number | null };
  modules: AssetModuleView[];
  /** Changes recorded for this node (module replaced, firmware upgraded, inserted, removed). */
  changes: number;
}

export interface AssetsResponse {
  assets: AssetRowView[];
  /** Server clock when built: with readAtMs the page shows how old the data is. */
  serverTimeMs: number;
}

export interface AssetChangeView {
  id: number;
  node: string;
  nodeName: string;
  timeMs: number;
  change: AssetChangeKind;
  slot: string;
  slotName: string;
  field: 'serial' | 'firmwareRev' | 'softwareRev';
  oldValue: string;
  newValue: string;
  /** entPhysicalClass in words (module, port, powerSupply, fan, chassis); "" for changes recorded before it was kept. */
  partClass: string;
  /** The entity holding the part (its entPhysicalName); "" when unknown. */
  container: string;
}

export interface AssetChangesResponse {
  changes: AssetChangeView[];
}

/** The Assets page's filters; the export route takes the same, so a download holds what the page shows. */
export interface AssetFilter {
  /** Terms, all must appear in the name, id, address, model or a serial (the chassis' or a part's). */
  q?: string;
  vendor?: string;
  /** A county/district node id. */
  county?: string;
  certificate?: CertificateState;
}

function searchText(row: AssetRowView): string {
  return [row.name, row.node, row.address, row.model, row.serial, ...row.modules.map((m) => m.serial)]
    .join('\n')
    .toLowerCase();
}

export function matchesAssetFilter(row: AssetRowView, filter: AssetFilter): boolean {
  if (filter.vendor !== undefined && filter.vendor !== '' && row.vendor !== filter.vendor) return false;
  if (filter.county !== undefined && filter.county !== '' && row.county?.id !== filter.county) return false;
  if (filter.certificate !== undefined && row.certificate.state !== filter.certificate) return false;
  const terms = (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const text = searchText(row);
  return terms.every((term) => text.includes(term));
}
