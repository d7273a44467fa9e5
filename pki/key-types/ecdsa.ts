/**
 * ECDSA keys on the named curves P-256 and P-384 only. Explicit curve parameters are refused (a
 * crafted "curve" can match a named one in some checks and not in others); the point must lie on the
 * curve and not be the point at infinity. Uncompressed and compressed points are accepted.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { decodeOid, oid, sequence } from '../der';
import type { DerNode } from '../der';
import type { CheckedPublicKey, HashName, KeyTypeModule, Result } from './key-type';
import { POLICY } from './key-type';
import { nodeSign, verifier } from './node-signature';
import { ECDSA_KEY_TYPES } from './names';

const OIDS = {
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
} as const;

interface Curve {
  keyType: 'p256' | 'p384';
  jwk: 'P-256' | 'P-384';
  nodeName: string;
  size: number;
  p: bigint;
  b: bigint;
  signature: { oid: string; hash: HashName };
}

const CURVES: Record<string, Curve> = {
  '1.2.840.10045.3.1.7': {
    keyType: 'p256',
    jwk: 'P-256',
    nodeName: 'prime256v1',
    size: 32,
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    signature: { oid: OIDS.ecdsaWithSha256, hash: 'sha256' },
  },
  '1.3.132.0.34': {
    keyType: 'p384',
    jwk: 'P-384',
    nodeName: 'secp384r1',
    size: 48,
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    signature: { oid: OIDS.ecdsaWithSha384, hash: 'sha384' },
  },
};

/** Names for curves outside the policy, so the refusal says which one was sent. */
const OTHER_CURVES: Record<string, string> = {
  '1.3.132.0.35': 'secp521r1',
  '1.3.132.0.10': 'secp256k1',
  '1.3.132.0.33': 'secp224r1',
  '1.2.840.10045.3.1.1': 'prime192v1',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
};

const GENERATES = ECDSA_KEY_TYPES;
type EcKeyType = (typeof GENERATES)[number];

function fail<T>(reason: string): Result<T> {
  return { ok: false, reason };
}

function mod(value: bigint, p: bigint): bigint {
  const r = value % p;
  return r < 0n ? r + p : r;
}

function modPow(base: bigint, exponent: bigint, p: bigint): bigint {
  let result = 1n;
  let b = mod(base, p);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % p;
    b = (b * b) % p;
    e >>= 1n;
  }
  return result;
}

/** y² for x on a short Weierstrass curve with a = -3 (both NIST curves here). */
function curveRhs(curve: Curve, x: bigint): bigint {
  return mod(x * x * x - 3n * x + curve.b, curve.p);
}

const toBig = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex')}`);
const toBytes = (value: bigint, size: number) =>
  Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');

/** Returns the affine (x, y) of an encoded point, or the reason it is not a usable public key. */
function decodePoint(curve: Curve, point: Buffer): Result<{ x: Buffer; y: Buffer }> {
  const form = point[0];
  if (point.length === 1 && form === 0x00)
    return fail('weak key: the EC public key is the point at infinity');
  const notOnCurve = fail<{ x: Buffer; y: Buffer }>(
    'weak key: the EC public key is not a point on its curve',
  );
  if (form === 0x04 && point.length === 1 + 2 * curve.size) {
    const x = toBig(point.subarray(1, 1 + curve.size));
    const y = toBig(point.subarray(1 + curve.size));
    if (x >= curve.p || y >= curve.p || mod(y * y, curve.p) !== curveRhs(curve, x)) return notOnCurve;
    return { ok: true, value: { x: point.subarray(1, 1 + curve.size), y: point.subarray(1 + curve.size) } };
  }
  if ((form === 0x02 || form === 0x03) && point.length === 1 + curve.size) {
    const x = toBig(point.subarray(1));
    if (x >= curve.p) return notOnCurve;
    const rhs = curveRhs(curve, x);
    // Both primes are 3 mod 4, so a square root is rhs^((p+1)/4) when one exists.
    let y = modPow(rhs, (curve.p + 1n) / 4n, curve.p);
    if ((y * y) % curve.p !== rhs) return notOnCurve;
    if (Number(y & 1n) !== (form & 1)) y = curve.p - y;
    return { ok: true, value: { x: point.subarray(1), y: toBytes(y, curve.size) } };
  }
  return fail(
    `malformed CSR: EC point encoding 0x${(form ?? 0).toString(16)} of ${point.length} bytes is not accepted`,
  );
}

function checkPublicKey(parameters: DerNode | undefined, keyBits: Buffer): Result<CheckedPublicKey> {
  if (parameters?.tag === 0x30)
    return fail(
      'EC keys with explicit curve parameters are not accepted; use the named curve P-256 or P-384',
    );
  if (parameters?.tag !== 0x06) return fail('malformed CSR: the EC key names no curve');
  const curveOid = decodeOid(parameters);
  const curve = CURVES[curveOid];
  if (!curve)
    return fail(`weak or unsupported key: EC curve ${OTHER_CURVES[curveOid] ?? curveOid}; ${POLICY}`);
  const point = decodePoint(curve, keyBits);
  if (!point.ok) return point;
  try {
    const publicKey = createPublicKey({
      key: {
        kty: 'EC',
        crv: curve.jwk,
        x: point.value.x.toString('base64url'),
        y: point.value.y.toString('base64url'),
      },
      format: 'jwk',
    });
    return { ok: true, value: { keyType: curve.keyType, verify: verifier(publicKey) } };
  } catch {
    return fail('weak key: the EC public key is not a point on its curve');
  }
}

function curveOf(key: KeyObject): Curve | undefined {
  const name = key.asymmetricKeyDetails?.namedCurve;
  return Object.values(CURVES).find((curve) => curve.nodeName === name);
}

function classify(key: KeyObject): Result<string> {
  const curve = curveOf(key);
  if (curve) return { ok: true, value: curve.keyType };
  return fail(`weak or unsupported key: EC curve ${key.asymmetricKeyDetails?.namedCurve ?? '?'}; ${POLICY}`);
}

function signatureAlgorithm(key: KeyObject): { identifier: Buffer; hash: HashName } {
  const curve = curveOf(key);
  if (!curve) throw new Error(`unsupported CA key curve ${key.asymmetricKeyDetails?.namedCurve ?? '?'}`);
  return { identifier: sequence(oid(curve.signature.oid)), hash: curve.signature.hash };
}

export const ecdsaKeys = {
  // Every ecPublicKey, so keys on other curves are refused here by name.
  claims: (algorithmOid: string) => algorithmOid === OIDS.ecPublicKey,
  holds: (key: KeyObject) => key.asymmetricKeyType === 'ec',
  suite: 'international',
  usage: 'ec',
  generates: GENERATES,
  generate: (name: EcKeyType) =>
    generateKeyPairSync('ec', { namedCurve: name === 'p256' ? 'P-256' : 'P-384' }),
  checkPublicKey,
  classify,
  signatureAlgorithm,
  sign: nodeSign,
  csrSignatures: {
    [OIDS.ecdsaWithSha256]: 'sha256',
    [OIDS.ecdsaWithSha384]: 'sha384',
    [OIDS.ecdsaWithSha512]: 'sha512',
  },
  signatureParameters: 'absent',
} as const satisfies KeyTypeModule<EcKeyType>;
