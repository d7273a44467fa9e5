/**
 * The certificate issue form offers only key types the node's CA signs, defaulting to SM2 under a
 * 国密 CA (a P-256 default there was refused with 422 until the user changed it).
 */
import { describe, expect, it } from 'vitest';
import type { CaCertificateView } from '../../../console/shared';
import { acceptedKeyTypes, effectiveKeyType } from '../../../console/web/src/lib/issue-key-types';

const authority = (
  kind: CaCertificateView['kind'],
  keySuite?: CaCertificateView['keySuite'],
): CaCertificateView => ({
  id: `${kind}-1`,
  kind,
  name: kind,
  subject: `CN=${kind}`,
  issuer: null,
  notAfterMs: 0,
  ...(keySuite === undefined ? {} : { keySuite }),
});

describe('issue form key types', () => {
  it.each([
    { case: 'SM2 CA', authorities: [authority('root', 'sm2'), authority('branch', 'sm2')], offered: ['sm2'] },
    {
      case: 'RSA/ECDSA CA',
      authorities: [authority('root', 'rsa-ecdsa'), authority('branch', 'rsa-ecdsa')],
      offered: ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048'],
    },
    {
      case: 'suite not loaded yet',
      authorities: [],
      offered: ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'sm2'],
    },
    {
      case: 'OCSP rows only',
      authorities: [authority('ocsp')],
      offered: ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'sm2'],
    },
  ])('$case offers $offered', ({ authorities, offered }) => {
    expect(acceptedKeyTypes(authorities)).toEqual(offered);
  });

  it('defaults to SM2 under an SM2 CA and to P-256 otherwise', () => {
    expect(effectiveKeyType(null, acceptedKeyTypes([authority('branch', 'sm2')]))).toBe('sm2');
    expect(effectiveKeyType(null, acceptedKeyTypes([authority('branch', 'rsa-ecdsa')]))).toBe('ecdsa-p256');
  });

  it('keeps a pick the CA accepts and drops one it refuses', () => {
    const rsaEcdsa = acceptedKeyTypes([authority('branch', 'rsa-ecdsa')]);
    expect(effectiveKeyType('rsa-2048', rsaEcdsa)).toBe('rsa-2048');
    expect(effectiveKeyType('ecdsa-p256', acceptedKeyTypes([authority('branch', 'sm2')]))).toBe('sm2');
  });
});
