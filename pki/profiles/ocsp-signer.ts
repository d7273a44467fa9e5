import { OID } from '../x509';
import type { CertificateProfile } from './profile';

/** A delegated OCSP responder certificate (RFC 6960 4.2.2.2): short-lived, never itself checked. */
export const ocspSignerProfile: CertificateProfile = {
  name: 'ocsp-signer',
  description: 'delegated OCSP response signing certificate',
  maxValidityDays: 90,
  extKeyUsage: [OID.ocspSigning],
  keyUsage: () => ['digitalSignature'],
  subject: 'node',
  ocspNoCheck: true,
};
