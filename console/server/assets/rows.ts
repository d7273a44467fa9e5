/** Register rows for the caller: every inventory node in scope, what was read from it, its certificate state. */
import { countyOf as countyInTree, type NodeId } from '../../../domain';
import type { Topology } from '../../../inventory';
import type { AssetRowView, CertificateState } from '../../shared';
import type { Scope } from '../access';
import type { PkiCertificateRecord, PkiPort } from '../ports';
import { isNodeCertificate } from '../views';
import type { StoredAsset } from './store';

const EXPIRING_MS = 30 * 86_400_000;

/** The county (or district) of a node, by the one rule the console counts with (domain/county.ts). */
export function countyOf(topology: Topology, node: NodeId): NodeId | null {
  return countyInTree(node, { get: (id) => topology.find(id) })?.id ?? null;
}

type CertificateView = AssetRowView['certificate'];

function certificateOf(records: readonly PkiCertificateRecord[], nowMs: number): CertificateView {
  const valid = records
    .filter((r) => r.status === 'valid')
    .map((r) => Date.parse(r.notAfter))
    .sort((a, b) => b - a)[0];
  if (valid !== undefined) {
    const state: CertificateState = valid - nowMs > EXPIRING_MS ? 'valid' : 'expiring';
    return { state, notAfterMs: valid };
  }
  if (records.length > 0) return { state: 'revoked', notAfterMs: null };
  return { state: 'none', notAfterMs: null };
}

/** Node certificates (the node profiles: not OCSP signers, not operators) by node. */
function certificatesByNode(pki: PkiPort | null): Map<string, PkiCertificateRecord[]> {
  const byNode = new Map<string, PkiCertificateRecord[]>();
  for (const record of pki?.listCertificates() ?? []) {
    if (record.nodeId === null || !isNodeCertificate(record)) continue;
    const list = byNode.get(record.nodeId) ?? [];
    list.push(record);
    byNode.set(record.nodeId, list);
  }
  return byNode;
}

export function assetRows(input: {
  topology: Topology;
  scope: Scope;
  assets: readonly StoredAsset[];
  changesByNode: ReadonlyMap<string, number>;
  pki: PkiPort | null;
  nowMs: number;
}): AssetRowView[] {
  const { topology, scope } = input;
  const read = new Map(input.assets.map((a) => [a.node as string, a]));
  const certificates = certificatesByNode(input.pki);
  const rows: AssetRowView[] = [];
  for (const node of topology.nodes) {
    if (!scope.allowsNode(node.id)) continue;
    const asset = read.get(node.id);
    const county = countyOf(topology, node.id);
    rows.push({
      node: node.id,
      name: node.name,
      address: node.address,
      tier: node.tier,
      zone: node.zone,
      role: node.role,
      vendor: node.vendor,
      model: asset?.chassis.model || node.model,
      serial: asset?.chassis.serial ?? '',
      hardwareRev: asset?.chassis.hardwareRev ?? '',
      firmwareRev: asset?.chassis.firmwareRev ?? '',
      softwareRev: asset?.chassis.softwareRev ?? '',
      county: county === null ? null : { id: county, name: topology.node(county).name },
      location: node.location,
      firstSeenMs: asset?.firstSeenMs ?? null,
      lastSeenMs: asset?.lastSeenMs ?? null,
      readAtMs: asset?.readAtMs ?? null,
      certificate: certificateOf(certificates.get(node.id) ?? [], input.nowMs),
      modules: asset?.modules ?? [],
      changes: input.changesByNode.get(node.id) ?? 0,
    });
  }
  return rows;
}
