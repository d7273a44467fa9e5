/**
 * OpenSSL's arithmetic on the SM2 curve, reached through supported Node APIs.
 *
 * k·G is ECDH's constant-time ladder (setPrivateKey computes the public point).
 *
 * Verification needs x(s·G + t·P) for public s, t and the signer's point P. Node has no SM2
 * verification with the GM/T 0009 default ID (a key it reads from DER becomes OpenSSL's "SM2" type,
 * which hashes an empty ID), but an ECDSA verification computes the same kind of sum in one native
 * double multiplication: it accepts (r', s') for digest h under key Q exactly when
 * x((h/s')·G' + (r'/s')·Q) ≡ r' (mod n). With r' = X (the x the SM2 equation demands),
 * s' = X/t, and Q = P + c·G where c makes the G coefficients agree, that sum is s·G + t·P. The key
 * is given to OpenSSL with explicit curve parameters and generator G' = −G: with the named curve it
 * would become an SM2-type key and refuse ECDSA. This replaces three ECDH multiplications (one of
 * them with a full point check) by one ladder for c·G and one ECDSA verification.
 */
import { createECDH, createHash, createPublicKey, verify } from 'node:crypto';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { bigInteger, bitString, octetString, oid, sequence, smallInteger } from '../der';
import { SM2_P256_PARAMETERS, invert, mod, toBigInt, toFixedBytes } from './sm2-signature';
import type { AffinePoint } from './sm2-signature';

const { p, a, b, n, Gx, Gy } = SM2_P256_PARAMETERS;
const ecdh = createECDH('SM2');

function uncompressed(point: AffinePoint): Buffer {
  return Buffer.concat([Buffer.from([0x04]), toFixedBytes(point.x), toFixedBytes(point.y)]);
}

/** k·G for 1 ≤ k < n, by OpenSSL's ladder. */
export function multiplyBaseNatively(k: bigint): AffinePoint {
  ecdh.setPrivateKey(toFixedBytes(k));
  const point = ecdh.getPublicKey();
  return { x: toBigInt(point.subarray(1, 33)), y: toBigInt(point.subarray(33, 65)) };
}

/** SubjectPublicKeyInfo up to the point: ecPublicKey with the SM2 curve spelled out, generator −G. */
const EXPLICIT_SPKI_PREFIX = (() => {
  const parameters = sequence(
    smallInteger(1),
    sequence(oid('1.2.840.10045.1.1'), bigInteger(p)),
    sequence(octetString(toFixedBytes(a)), octetString(toFixedBytes(b))),
    octetString(uncompressed({ x: Gx, y: p - Gy })),
    bigInteger(n),
    smallInteger(1),
  );
  const algorithm = sequence(oid('1.2.840.10045.2.1'), parameters);
  const template = sequence(algorithm, bitString(Buffer.alloc(65)));
  return template.subarray(0, template.length - 65);
})();

const DIGESTED = Buffer.from('SM2 verification as ECDSA');
const DIGEST = mod(toBigInt(createHash('sha256').update(DIGESTED).digest()), n);

/** The exact sum in JavaScript, for the cases the native path cannot express (never in practice). */
const PlainPoint = weierstrass({ ...SM2_P256_PARAMETERS, h: 1n });
function plainSumHasX(s: bigint, t: bigint, publicKey: AffinePoint, x: bigint): boolean {
  const sum = PlainPoint.BASE.multiplyUnsafe(s).add(PlainPoint.fromAffine(publicKey).multiplyUnsafe(t));
  return !sum.is0() && mod(sum.toAffine().x, n) === x;
}

/** P + Q in affine coordinates for P ≠ ±Q. */
function addDistinct(first: AffinePoint, second: AffinePoint): AffinePoint {
  const slope = mod((second.y - first.y) * invert(second.x - first.x, p), p);
  const x = mod(slope * slope - first.x - second.x, p);
  return { x, y: mod(slope * (first.x - x) - first.y, p) };
}

/** The c of Q = P + c·G (and t⁻¹), for x ≠ 0; exported so tests can reach the degenerate cases. */
export function keyShift(s: bigint, t: bigint, x: bigint): { c: bigint; tInverse: bigint } {
  const common = invert(mod(t * x, n), n);
  const tInverse = mod(x * common, n);
  const u1 = mod(DIGEST * t * mod(t * common, n), n);
  // ECDSA computes u1·(−G) + t·(P + c·G); the G coefficient t·c − u1 must be s.
  return { c: mod((s + u1) * tInverse, n), tInverse };
}

/**
 * Whether s·G + t·P is a finite point whose x is ≡ x (mod n), for public s, t (1 ≤ t < n), a
 * validated point P and 1 ≤ x < n.
 */
export function sumHasXNatively(s: bigint, t: bigint, publicKey: AffinePoint, x: bigint): boolean {
  if (x === 0n) return plainSumHasX(s, t, publicKey, x);
  const { c, tInverse } = keyShift(s, t, x);
  let key = publicKey;
  if (c !== 0n) {
    const shift = multiplyBaseNatively(c);
    if (shift.x === publicKey.x) return plainSumHasX(s, t, publicKey, x);
    key = addDistinct(publicKey, shift);
  }
  const signature = Buffer.concat([toFixedBytes(x), toFixedBytes(mod(x * tInverse, n))]);
  try {
    const ecdsaKey = createPublicKey({
      key: Buffer.concat([EXPLICIT_SPKI_PREFIX, uncompressed(key)]),
      format: 'der',
      type: 'spki',
    });
    return verify('sha256', DIGESTED, { key: ecdsaKey, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}
