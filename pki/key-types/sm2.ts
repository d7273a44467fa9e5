/**
 * SM2 keys (GB/T 32918, the recommended 256-bit curve, OID 1.2.156.10197.1.301), signing
 * SM2-with-SM3 (1.2.156.10197.1.501) with the default distinguishing ID "1234567812345678"
 * (GM/T 0009). Keys are ordinary EC keys on the SM2 curve, so generation, PKCS#8 and PKCS#12 go
 * through Node; the signature itself is ours (sm2-signature.ts): Node's OpenSSL signs an SM2 key
 * ECDSA-style, which is not SM2 (README.md: 国密).
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { children, decodeOid, expectTag, oid, readWhole, sequence } from '../der';
import type { DerNode } from '../der';
import type { CheckedPublicKey, HashName, KeyTypeModule, Result } from './key-type';
import { encodeSignature, decodeSignature } from './sm2-der';
import { multiplyBaseNatively, sumHasXNatively } from './sm2-openssl';
import {
  SM2_P256_PARAMETERS,
  defineCurve,
  isValidPrivateScalar,
  sm2Sign,
  sm2Verify,
  toBigInt,
} from './sm2-signature';
import type { Sm2PrivateKey } from './sm2-signature';
import { SM2_KEY_TYPES } from './names';

export const SM2_OIDS = {
  ecPublicKey: '1.2.840.10045.2.1',
  curve: '1.2.156.10197.1.301',
  sm2WithSm3: '1.2.156.10197.1.501',
} as const;

// OpenSSL's arithmetic: k·G by its constant-time ladder, verification as one native ECDSA
// verification (sm2-openssl.ts; README.md: 国密).
export const SM2_CURVE = defineCurve(SM2_P256_PARAMETERS, {
  multiplyBase: multiplyBaseNatively,
  sumHasX: sumHasXNatively,
});

const GENERATES = SM2_KEY_TYPES;
type Sm2KeyType = (typeof GENERATES)[number];

function fail<T>(reason: string): Result<T> {
  return { ok: false, reason };
}

const SM2_CURVE_OID_DER = oid(SM2_OIDS.curve);

/** The private scalar and public point of a key this process holds, read once per key object. */
const privateKeys = new WeakMap<KeyObject, Sm2PrivateKey | null>();

function curveOidOf(algorithm: DerNode | undefined): string | null {
  const parts = children(expectTag(algorithm, 0x30, 'key algorithm'));
  return parts[1]?.tag === 0x06 ? decodeOid(parts[1]) : null;
}

function readPrivateKey(key: KeyObject): Sm2PrivateKey | null {
  if (key.type !== 'private') return null;
  try {
    const [, algorithm, wrapped] = children(readWhole(key.export({ type: 'pkcs8', format: 'der' })));
    if (curveOidOf(algorithm) !== SM2_OIDS.curve) return null;
    const ecPrivateKey = children(readWhole(expectTag(wrapped, 0x04, 'privateKey').content));
    const d = toBigInt(expectTag(ecPrivateKey[1], 0x04, 'ECPrivateKey d').content);
    if (!isValidPrivateScalar(SM2_CURVE, d)) return null;
    const point = SM2_CURVE.Point.fromBytes(publicPointBits(createPublicKey(key)));
    return { d, publicKey: point.toAffine() };
  } catch {
    return null;
  }
}

function publicPointBits(publicKey: KeyObject): Buffer {
  const [, bits] = children(readWhole(publicKey.export({ type: 'spki', format: 'der' })));
  return expectTag(bits, 0x03, 'subjectPublicKey').content.subarray(1);
}

function privateKeyOf(key: KeyObject): Sm2PrivateKey | null {
  let known = privateKeys.get(key);
  if (known === undefined) {
    known = readPrivateKey(key);
    privateKeys.set(key, known);
  }
  return known;
}

function isSm2PublicKey(key: KeyObject): boolean {
  try {
    const [algorithm] = children(readWhole(key.export({ type: 'spki', format: 'der' })));
    return curveOidOf(algorithm) === SM2_OIDS.curve;
  } catch {
    return false;
  }
}

/** Node names generated SM2 keys 'ec' on curve SM2; keys it reads back from DER have no type name. */
function holds(key: KeyObject): boolean {
  if (key.asymmetricKeyDetails?.namedCurve === 'SM2') return true;
  if (key.asymmetricKeyType !== undefined) return false;
  return key.type === 'private' ? privateKeyOf(key) !== null : isSm2PublicKey(key);
}

function verifier(point: WeierstrassPoint<bigint>): CheckedPublicKey['verify'] {
  return (hash, data, signature) => {
    if (hash !== 'sm3') return false;
    const decoded = decodeSignature(signature);
    return decoded !== null && sm2Verify(SM2_CURVE, point, data, decoded);
  };
}

function checkPublicKey(parameters: DerNode | undefined, keyBits: Buffer): Result<CheckedPublicKey> {
  if (parameters?.tag !== 0x06 || !parameters.raw.equals(SM2_CURVE_OID_DER))
    return fail('malformed CSR: the SM2 key names another curve');
  if (keyBits.length === 1 && keyBits[0] === 0x00)
    return fail('weak key: the SM2 public key is the point at infinity');
  const form = keyBits[0];
  const expected = form === 0x04 ? 65 : form === 0x02 || form === 0x03 ? 33 : -1;
  if (keyBits.length !== expected)
    return fail(
      `malformed CSR: EC point encoding 0x${(form ?? 0).toString(16)} of ${keyBits.length} bytes is not accepted`,
    );
  let point: WeierstrassPoint<bigint>;
  try {
    point = SM2_CURVE.Point.fromBytes(keyBits);
    point.assertValidity();
  } catch {
    return fail('weak key: the SM2 public key is not a point on its curve');
  }
  return { ok: true, value: { keyType: 'sm2', verify: verifier(point) } };
}

function sign(key: KeyObject, hash: HashName, data: Buffer): Buffer {
  const privateKey = privateKeyOf(key);
  if (!privateKey) throw new Error('not an SM2 private key');
  if (hash !== 'sm3') throw new Error(`SM2 signs with SM3, not ${hash}`);
  return encodeSignature(sm2Sign(SM2_CURVE, privateKey, data));
}

export const sm2Keys = {
  claims: (algorithmOid: string, parameters: DerNode | undefined) =>
    algorithmOid === SM2_OIDS.ecPublicKey &&
    parameters?.tag === 0x06 &&
    parameters.raw.equals(SM2_CURVE_OID_DER),
  holds,
  suite: 'sm',
  usage: 'ec',
  generates: GENERATES,
  generate: (_name: Sm2KeyType) => generateKeyPairSync('ec', { namedCurve: 'SM2' }),
  checkPublicKey,
  classify: (key: KeyObject) => (holds(key) ? { ok: true, value: 'sm2' } : fail<string>('not an SM2 key')),
  signatureAlgorithm: () => ({ identifier: sequence(oid(SM2_OIDS.sm2WithSm3)), hash: 'sm3' }),
  sign,
  csrSignatures: { [SM2_OIDS.sm2WithSm3]: 'sm3' },
  signatureParameters: 'absent',
} as const satisfies KeyTypeModule<Sm2KeyType>;
