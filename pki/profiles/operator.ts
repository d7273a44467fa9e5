import { OID } from '../oids';
import type { CertificateProfile } from './profile';

/** An operator's TLS client certificate, issued under the network center node they work at. */
export const operatorProfile: CertificateProfile = {
  name: 'operator',
  description: 'TLS client certificate for a network-center operator',
  maxValidityDays: 365,
  extKeyUsage: [OID.clientAuth],
  keyUsage: () => ['digitalSignature'],
  subject: 'person',
};
