/**
 * egov-noc PKI: root (province) → branch CAs (city) → node certificates; issuance, revocation,
 * CRL, OCSP, expiry warnings and a hash-chained audit log. Public face of the part.
 */
export {
  initCa,
  openCa,
  verifyCaAudit,
  normalizeSerial,
  PkiService,
  EXPIRY_THRESHOLDS_DAYS,
  SYSTEM_ACTOR,
} from './service';
export type {
  PkiInitConfig,
  IssuedCertificate,
  GeneratedCertificate,
  ExpiryWarning,
  AuthorityInfo,
  OpenOptions,
  Result,
} from './service';
export { requestBranch, installBranch } from './offline';
export { createPkiHttpApp } from './http';
export { directoryFromNodes, directoryFromTopology } from './nodes';
export type { NodeDirectory, PkiNode } from './nodes';
export { createCsr, parseCsr } from './csr';
export { generateKey, KEY_TYPES, isKeyType } from './key-types/index';
export type { KeyType } from './key-types/index';
export { PROFILE_NAMES, isProfileName, profileRefusal } from './profiles/index';
export type { ProfileName } from './profiles/index';
export { REVOCATION_REASONS, isRevocationReason } from './store';
export { readCertificateIndex } from './index-reader';
export type { CertificateRecord, CertificateFilter, RevocationReason, CertificateStatus } from './store';
export type { AuditVerdict } from './audit';
