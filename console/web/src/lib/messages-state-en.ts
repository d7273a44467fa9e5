import type { stateZh } from './messages-state-zh-cn';

/** Strings of alerts ↔ map, incidents, interface state and the certificate page's safeguards (English). */
export const stateEn: Record<keyof typeof stateZh, string> = {
  'alerts.showOnMap': 'Show on map',
  'incident.video': 'Video link {link} degraded: {metrics}',
  'incident.alerts': '{n} related alerts',
  'node.if.adminDown': 'admin down',
  'node.if.staleAge': 'reading from {age}',
  'node.if.staleHint': 'Stale reading (not updated for over 2 poll intervals); for reference only',
  'cert.reasonChoose': 'Choose a revocation reason',
  'cert.reasonRequired': 'A revocation reason is required',
  'cert.revokeConfirm':
    'Revoke certificate {subject} (serial {serial})? This cannot be undone; devices relying on it will fail authentication.',
  'cert.revokeConfirmTyped': 'Type the last 6 characters of the serial to confirm:',
  'cert.revokeMismatch': 'That is not the end of the serial',
  'cert.caInternal': 'CA-internal certificate; cannot be revoked here',
  'cert.renew': 'Renew',
  'cert.renewHint':
    'Issue a certificate of the same profile to this node with a new server-generated key (the old one stays valid until it expires or is revoked)',
  'cert.caTitle': 'CA certificates',
  'cert.caNone': 'No CA certificate information',
  'cert.caKind.root': 'Root CA',
  'cert.caKind.branch': 'Branch CA',
  'cert.caKind.ocsp': 'OCSP responder',
  'cert.withoutTitle': 'Nodes without a valid certificate',
  'cert.withoutNone': 'Every node that needs a certificate has a valid one',
  'cert.withoutCount': '{n} nodes',
  'cert.issueFor': 'Issue',
  'cert.auditFilter': 'Filter audit records (actor, action, target)',
  'cert.auditAction': 'Action',
  'cert.auditAll': 'All actions',
  'audit.certificate.renew': 'certificate renewed',
};
