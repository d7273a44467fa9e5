import type { KeyUsageName } from '../x509';

/** What a certificate of this kind may be used for, and for how long. One file per profile. */
export interface CertificateProfile {
  name: string;
  description: string;
  maxValidityDays: number;
  /** Extended key usages (OIDs). */
  extKeyUsage: string[];
  /** Key usage bits; RSA keys may also encipher (TLS RSA key exchange), EC keys only sign. */
  keyUsage(keyAlgorithm: 'rsa' | 'ec'): KeyUsageName[];
  /**
   * 'node': subject CN and SANs must be the node's own DNS names and management address.
   * 'person': an operator's client certificate; CN is the person's name, no SANs.
   */
  subject: 'node' | 'person';
}
