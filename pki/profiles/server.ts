import { OID } from '../oids';
import type { CertificateProfile } from './profile';

/** A server's TLS certificate (portal, data-exchange center, console). */
export const serverProfile: CertificateProfile = {
  name: 'server',
  description: 'TLS server certificate for a server',
  maxValidityDays: 397,
  extKeyUsage: [OID.serverAuth],
  keyUsage: (algorithm) =>
    algorithm === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
  subject: 'node',
};
