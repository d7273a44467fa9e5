/**
 * The key policy holds for every key type in a CSR, whatever a library would have let through:
 * RSA modulus size and parity, the public exponent (odd, 65537 .. 2^256-1), NULL parameters; EC
 * named curves P-256/P-384 only, no explicit parameters, the point on the curve and not the identity;
 * other algorithms refused by name.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, nullValue, oid, readWhole, sequence, tlv } from '../../pki/der';
import { parseCsr } from '../../pki/index';
import {
  ECDSA_SHA256,
  P256,
  RSA_SHA256,
  csrDer,
  ecSpki,
  forgedExponentOneCsr,
  pem,
  requestInfo,
  rsaModulus,
  rsaSpki,
  signedCsr,
} from './csr-builder';
import { makeTestCa, opensslOk } from './helpers';
import type { TestCa } from './helpers';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const n = rsaModulus(rsa.publicKey);
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p256Point = (() => {
  const [, bits] = children(readWhole(p256.publicKey.export({ type: 'spki', format: 'der' })));
  return Buffer.from(bits!.content.subarray(1));
})();
const unsigned = (spki: Buffer) => csrDer(requestInfo(spki), RSA_SHA256, Buffer.alloc(256, 1));

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'egov-key-policy-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A P-256 request whose key carries explicit curve parameters, made by openssl. */
function explicitParametersCsr(): string {
  const key = join(work, 'explicit.key');
  opensslOk(['ecparam', '-name', 'prime256v1', '-param_enc', 'explicit', '-genkey', '-noout', '-out', key]);
  return opensslOk(['req', '-new', '-key', key, '-subj', '/CN=core.zhaoqing.gov.cn', '-sha256']);
}

describe('RSA keys in a CSR', () => {
  it.each([
    [
      'public exponent 1 (a self-verifying forged signature)',
      () => forgedExponentOneCsr(),
      /public exponent 1 is not accepted/,
    ],
    ['public exponent 3', () => unsigned(rsaSpki(n, 3n)), /public exponent 3 is not accepted/],
    ['an even public exponent', () => unsigned(rsaSpki(n, 65536n)), /public exponent 65536 is not accepted/],
    ['public exponent 0', () => unsigned(rsaSpki(n, 0n)), /public exponent 0 is not accepted/],
    [
      'a public exponent past 2^256',
      () => unsigned(rsaSpki(n, (1n << 256n) + 1n)),
      /exponent of more than 64 bits/,
    ],
    ['an even modulus', () => unsigned(rsaSpki(n - 1n, 65537n)), /RSA modulus is even/],
    ['a 1024-bit modulus', () => unsigned(rsaSpki((1n << 1023n) | 1n, 65537n)), /weak key: RSA-1024/],
    [
      'a 9000-bit modulus',
      () => unsigned(rsaSpki((1n << 8999n) | 1n, 65537n)),
      /RSA-9000 is larger than the 8192-bit maximum/,
    ],
    [
      'parameters other than NULL',
      () => unsigned(rsaSpki(n, 65537n, oid('1.2.3'))),
      /RSA key parameters must be NULL/,
    ],
    [
      'a negative modulus',
      () =>
        unsigned(
          sequence(
            sequence(oid('1.2.840.113549.1.1.1'), nullValue()),
            tlv(
              0x03,
              Buffer.from([0]),
              sequence(tlv(0x02, Buffer.alloc(256, 0xc1)), tlv(0x02, Buffer.from([1, 0, 1]))),
            ),
          ),
        ),
      /RSA modulus is negative/,
    ],
  ])('refuses %s', (_what, make, reason) => {
    expect(parseCsr(pem(make()))).toEqual({ ok: false, reason: expect.stringMatching(reason) as unknown });
  });

  it('accepts RSA-2048 with e = 65537 signed by its key', () => {
    const csr = signedCsr(rsa.publicKey.export({ type: 'spki', format: 'der' }), rsa.privateKey, RSA_SHA256);
    expect(parseCsr(pem(csr))).toMatchObject({ ok: true, value: { keyType: 'rsa2048', usage: 'rsa' } });
  });
});

describe('EC keys in a CSR', () => {
  const offCurve = Buffer.from(p256Point);
  offCurve[offCurve.length - 1]! ^= 1;
  it.each([
    [
      'explicit curve parameters (openssl -param_enc explicit)',
      () => explicitParametersCsr(),
      /explicit curve parameters are not accepted/,
    ],
    ['the point at infinity', () => pem(unsigned(ecSpki(P256, Buffer.from([0])))), /point at infinity/],
    ['a point off the curve', () => pem(unsigned(ecSpki(P256, offCurve))), /not a point on its curve/],
    [
      'coordinates past the field prime',
      () => pem(unsigned(ecSpki(P256, Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 0xff)])))),
      /not a point on its curve/,
    ],
    [
      'a compressed x = 1 (x³ - 3x + b is not a square mod p)',
      () =>
        pem(unsigned(ecSpki(P256, Buffer.concat([Buffer.from([2]), Buffer.alloc(31), Buffer.from([1])])))),
      /not a point on its curve/,
    ],
    [
      'a hybrid point encoding',
      () => pem(unsigned(ecSpki(P256, Buffer.concat([Buffer.from([6]), p256Point.subarray(1)])))),
      /EC point encoding 0x6/,
    ],
    ['no curve at all', () => pem(unsigned(ecSpki(nullValue(), p256Point))), /names no curve/],
    [
      'the secp256k1 curve',
      () => {
        const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
        return pem(
          signedCsr(k1.publicKey.export({ type: 'spki', format: 'der' }), k1.privateKey, ECDSA_SHA256),
        );
      },
      /EC curve secp256k1/,
    ],
  ])('refuses %s', (_what, make, reason) => {
    expect(parseCsr(make())).toEqual({ ok: false, reason: expect.stringMatching(reason) as unknown });
  });

  it('accepts P-384 signed by its key', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const csr = signedCsr(
      p384.publicKey.export({ type: 'spki', format: 'der' }),
      p384.privateKey,
      ECDSA_SHA256,
    );
    expect(parseCsr(pem(csr))).toMatchObject({ ok: true, value: { keyType: 'p384', usage: 'ec' } });
  });
});

describe('other key algorithms in a CSR', () => {
  it.each([
    ['ed448', () => generateKeyPairSync('ed448')],
    ['rsa-pss', () => generateKeyPairSync('rsa-pss', { modulusLength: 2048 })],
  ] as const)('refuses %s by name', (name, make) => {
    const spki = make().publicKey.export({ type: 'spki', format: 'der' });
    expect(parseCsr(pem(unsigned(spki)))).toEqual({
      ok: false,
      reason: expect.stringMatching(new RegExp(`unsupported key type ${name}; policy allows`)) as unknown,
    });
  });
});

describe('issuing', () => {
  let ca: TestCa;
  beforeAll(() => {
    ca = makeTestCa();
  });
  afterAll(() => ca.cleanup());

  it('issues nothing for the forged exponent-1 request', () => {
    const before = ca.service.listCertificates({ nodeId: 'zq-core' }).length;
    const issued = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: pem(forgedExponentOneCsr()),
      actor: 't',
    });
    expect(issued.ok).toBe(false);
    expect(ca.service.listCertificates({ nodeId: 'zq-core' })).toHaveLength(before);
  });
});
