/**
 * The SM2 digital signature (GB/T 32918.2-2016 §6–7, GM/T 0003.2) over SM3, with the user
 * distinguishing ID of GM/T 0009: Z = SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA), e = SM3(Z‖M),
 * r = (e + x1) mod n with (x1, y1) = kG, s = (1 + d)⁻¹(k − r·d) mod n. Curve arithmetic is
 * @noble/curves' Weierstrass points; SM3 is Node's (OpenSSL's). Parameterised by curve so the test
 * vectors of the standard's appendix (on its example curve) run through the same code.
 */
import { createHash, randomBytes } from 'node:crypto';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import type { WeierstrassPoint, WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';

/** GM/T 0009-2012 §10 / GB/T 35276: the ID used when none was agreed. */
export const DEFAULT_DISTINGUISHING_ID = Buffer.from('1234567812345678', 'ascii');

export interface Sm2CurveParameters {
  p: bigint;
  a: bigint;
  b: bigint;
  n: bigint;
  Gx: bigint;
  Gy: bigint;
}

export interface AffinePoint {
  x: bigint;
  y: bigint;
}

export interface Sm2Curve {
  readonly parameters: Sm2CurveParameters;
  readonly Point: WeierstrassPointCons<bigint>;
  /** k·G; a curve may supply a native, constant-time ladder here. */
  multiplyBase(k: bigint): AffinePoint;
  /**
   * Whether s·G + t·P (public values only, 1 ≤ t < n) is a finite point whose x-coordinate is
   * ≡ x (mod n): the SM2 verification equation with x = (r − e) mod n.
   */
  sumHasX(s: bigint, t: bigint, publicKey: WeierstrassPoint<bigint>, x: bigint): boolean;
}

export interface CurveOverrides {
  multiplyBase(k: bigint): AffinePoint;
  sumHasX(s: bigint, t: bigint, publicKey: AffinePoint, x: bigint): boolean;
}

/** The recommended curve of GB/T 32918.5-2017 (OID 1.2.156.10197.1.301). */
export const SM2_P256_PARAMETERS: Sm2CurveParameters = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
};

/**
 * A curve whose arithmetic is @noble/curves', or, with `native`, OpenSSL's (sm2-openssl.ts, for the
 * recommended curve).
 */
export function defineCurve(parameters: Sm2CurveParameters, native?: CurveOverrides): Sm2Curve {
  const Point = weierstrass({ ...parameters, h: 1n });
  Point.BASE.precompute(8, false);
  const plainSumHasX = (s: bigint, t: bigint, publicKey: WeierstrassPoint<bigint>, x: bigint) => {
    const sum = Point.BASE.multiplyUnsafe(s).add(publicKey.multiplyUnsafe(t));
    return !sum.is0() && mod(sum.toAffine().x, parameters.n) === x;
  };
  return {
    parameters,
    Point,
    multiplyBase: native ? (k) => native.multiplyBase(k) : (k) => Point.BASE.multiply(k).toAffine(),
    sumHasX: native ? (s, t, publicKey, x) => native.sumHasX(s, t, publicKey.toAffine(), x) : plainSumHasX,
  };
}

const FIELD_BYTES = 32;

export function toFixedBytes(value: bigint, size = FIELD_BYTES): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');
}

export function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

export function mod(value: bigint, n: bigint): bigint {
  const r = value % n;
  return r < 0n ? r + n : r;
}

/** Modular inverse by the extended Euclidean algorithm (n prime, value not 0 mod n). */
export function invert(value: bigint, n: bigint): bigint {
  let oldR = mod(value, n);
  let r = n;
  let oldS = 1n;
  let s = 0n;
  while (r !== 0n) {
    const q = oldR / r;
    const nextR = oldR - q * r;
    oldR = r;
    r = nextR;
    const nextS = oldS - q * s;
    oldS = s;
    s = nextS;
  }
  return mod(oldS, n);
}

/** Z_A: SM3 of the ID's bit length, the ID, the curve and the signer's public key. */
export function userHash(curve: Sm2Curve, id: Buffer, publicKey: AffinePoint): Buffer {
  const { a, b, Gx, Gy } = curve.parameters;
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  return createHash('sm3')
    .update(entl)
    .update(id)
    .update(toFixedBytes(a))
    .update(toFixedBytes(b))
    .update(toFixedBytes(Gx))
    .update(toFixedBytes(Gy))
    .update(toFixedBytes(publicKey.x))
    .update(toFixedBytes(publicKey.y))
    .digest();
}

function messageDigest(curve: Sm2Curve, id: Buffer, publicKey: AffinePoint, message: Buffer): bigint {
  return toBigInt(
    createHash('sm3')
      .update(userHash(curve, id, publicKey))
      .update(message)
      .digest(),
  );
}

function randomScalar(n: bigint): bigint {
  for (;;) {
    const k = toBigInt(randomBytes(40)) % n;
    if (k !== 0n) return k;
  }
}

export interface Sm2Signature {
  r: bigint;
  s: bigint;
}

export interface Sm2PrivateKey {
  d: bigint;
  publicKey: AffinePoint;
}

/** (1 + d)⁻¹ mod n, once per key this process holds (a property of the CA key, not of a request). */
const onePlusDInverses = new WeakMap<Sm2PrivateKey, bigint>();
function onePlusDInverse(key: Sm2PrivateKey, n: bigint): bigint {
  let inverse = onePlusDInverses.get(key);
  if (inverse === undefined) {
    inverse = invert(1n + key.d, n);
    onePlusDInverses.set(key, inverse);
  }
  return inverse;
}

/**
 * Signs `message` (not a digest: Z and SM3 are applied here). `nextK` exists for the standard's
 * fixed-k test vectors; without it k is drawn from the CSPRNG for every attempt.
 */
export function sm2Sign(
  curve: Sm2Curve,
  key: Sm2PrivateKey,
  message: Buffer,
  id: Buffer = DEFAULT_DISTINGUISHING_ID,
  nextK: () => bigint = () => randomScalar(curve.parameters.n),
): Sm2Signature {
  const { n } = curve.parameters;
  const e = messageDigest(curve, id, key.publicKey, message);
  const inverse = onePlusDInverse(key, n);
  for (;;) {
    const k = nextK();
    const r = mod(e + curve.multiplyBase(k).x, n);
    if (r === 0n || r + k === n) continue;
    const s = mod(inverse * (k - r * key.d), n);
    if (s !== 0n) return { r, s };
  }
}

/** Verifies a signature on `message`; false for any out-of-range value. */
export function sm2Verify(
  curve: Sm2Curve,
  publicKey: WeierstrassPoint<bigint>,
  message: Buffer,
  signature: Sm2Signature,
  id: Buffer = DEFAULT_DISTINGUISHING_ID,
): boolean {
  const { n } = curve.parameters;
  const { r, s } = signature;
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = mod(r + s, n);
  if (t === 0n) return false;
  const affine = publicKey.toAffine();
  const e = messageDigest(curve, id, affine, message);
  return curve.sumHasX(s, t, publicKey, mod(r - e, n));
}

/** A private scalar usable for SM2: 1 ≤ d ≤ n − 2 (1 + d must be invertible mod n). */
export function isValidPrivateScalar(curve: Sm2Curve, d: bigint): boolean {
  return d >= 1n && d <= curve.parameters.n - 2n;
}
