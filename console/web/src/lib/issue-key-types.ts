/** The key types the certificate issue form offers: only those the node's CA can sign. */
import type { CaCertificateView, CaKeySuite, IssueCertificateRequest } from '../../../shared';

type GenerateRequest = Extract<IssueCertificateRequest, { generate: unknown }>;
export type GeneratedKeyType = GenerateRequest['generate']['keyType'];

const KEY_TYPES_BY_SUITE: Record<CaKeySuite, GeneratedKeyType[]> = {
  sm2: ['sm2'],
  'rsa-ecdsa': ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048'],
};
const ALL_KEY_TYPES: GeneratedKeyType[] = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'sm2'];

export const KEY_TYPE_LABELS: Record<GeneratedKeyType, string> = {
  'ecdsa-p256': 'ECDSA P-256',
  'ecdsa-p384': 'ECDSA P-384',
  'rsa-2048': 'RSA 2048',
  sm2: 'SM2 (国密)',
};

/** Accepted key types, the default first; every type while the CA's suite is not known yet. */
export function acceptedKeyTypes(authorities: readonly CaCertificateView[]): GeneratedKeyType[] {
  const issuing = authorities.find((a) => a.kind === 'branch' && a.keySuite !== undefined);
  const suite = (issuing ?? authorities.find((a) => a.keySuite !== undefined))?.keySuite;
  return suite === undefined ? ALL_KEY_TYPES : KEY_TYPES_BY_SUITE[suite];
}

/** The user's pick while the CA accepts it, otherwise the CA's default. */
export function effectiveKeyType(
  picked: GeneratedKeyType | null,
  accepted: readonly GeneratedKeyType[],
): GeneratedKeyType {
  return picked !== null && accepted.includes(picked) ? picked : (accepted[0] ?? 'ecdsa-p256');
}
