/** Inventory and PKI records mapped to the shapes of console/shared/index.ts. */
import { CHINA_STANDARD_TIME_OFFSET_MIN, type InventoryNode, type Link, type VideoLink } from '../../domain';
import {
  CERT_PROFILES,
  REVOCATION_REASONS,
  type CertificateView,
  type RevocationReason,
  type CertProfile,
  type LinkView,
  type TopologyNodeView,
  type VideoLinkView,
} from '../shared';
import type { AlertsPort, PkiCertificateRecord } from './ports';

/** The network's one configured zone (alert rules `settings.utcOffsetMin`): meetings, windows, times shown. */
export const networkUtcOffsetMin = (alerts: AlertsPort): number =>
  alerts.rules?.settings.utcOffsetMin ?? CHINA_STANDARD_TIME_OFFSET_MIN;

export const nodeView = (node: InventoryNode): TopologyNodeView => ({
  id: node.id,
  name: node.name,
  tier: node.tier,
  zone: node.zone,
  role: node.role,
  vendor: node.vendor,
  model: node.model,
  address: node.address,
  parent: node.parent,
  location: node.location,
  pollIntervalS: node.pollIntervalS,
});

export const linkView = (link: Link): LinkView => ({
  id: link.id,
  a: { node: link.a.node, interface: link.a.interface },
  b: { node: link.b.node, interface: link.b.interface },
  capacityMbps: link.capacityMbps,
  medium: link.medium,
});

export const videoLinkView = (link: VideoLink): VideoLinkView => ({
  id: link.id,
  name: link.name,
  a: link.a,
  b: link.b,
  probe: link.probe,
  meetings: link.meetings.map((meeting) => ({ ...meeting })),
});

/** The API spells RFC 5280's cACompromise as caCompromise; reasons the API lacks show as unspecified. */
export function apiRevocationReason(reason: string | null): RevocationReason | null {
  if (reason === null) return null;
  if (reason === 'cACompromise') return 'caCompromise';
  return (REVOCATION_REASONS as readonly string[]).includes(reason)
    ? (reason as RevocationReason)
    : 'unspecified';
}

export const pkiRevocationReason = (reason: RevocationReason): string =>
  reason === 'caCompromise' ? 'cACompromise' : reason;

const isCertProfile = (value: string): value is CertProfile =>
  (CERT_PROFILES as readonly string[]).includes(value);

export function certificateView(record: PkiCertificateRecord, nowMs = Date.now()): CertificateView {
  const notAfterMs = Date.parse(record.notAfter);
  return {
    serial: record.serial,
    subject: `CN=${record.commonName}`,
    node: record.nodeId,
    // CA certificates carry profiles like root-ca; the console lists node certificates only.
    profile: isCertProfile(record.profile) ? record.profile : 'server',
    issuer: record.issuerId,
    notBeforeMs: Date.parse(record.notBefore),
    notAfterMs,
    status: record.status === 'revoked' ? 'revoked' : notAfterMs < nowMs ? 'expired' : 'valid',
    revokedAtMs: record.revokedAt === null ? null : Date.parse(record.revokedAt),
    revocationReason: apiRevocationReason(record.revocationReason),
    sans: [...record.dnsNames, ...record.ipAddresses],
    keyType: record.keyType,
  };
}

export const isNodeCertificate = (record: PkiCertificateRecord): boolean => isCertProfile(record.profile);
