import { OID } from '../oids';
import type { CertificateProfile } from './profile';

/** A router's or switch's TLS server certificate (HTTPS/NETCONF management, IPsec peers). */
export const routerProfile: CertificateProfile = {
  name: 'router',
  description: 'TLS server certificate for a router, switch or firewall',
  maxValidityDays: 730,
  extKeyUsage: [OID.serverAuth],
  keyUsage: (algorithm) =>
    algorithm === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
  subject: 'node',
};
