import { OID } from '../oids';
import type { CertificateProfile } from './profile';

/** A video-conference MCU or codec: accepts and places TLS/SIP-TLS calls, so server and client. */
export const vcEndpointProfile: CertificateProfile = {
  name: 'vc-endpoint',
  description: 'TLS server and client certificate for a video-conference MCU or codec',
  maxValidityDays: 730,
  extKeyUsage: [OID.serverAuth, OID.clientAuth],
  keyUsage: (algorithm) =>
    algorithm === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
  subject: 'node',
};
