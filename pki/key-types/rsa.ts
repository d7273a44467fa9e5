/**
 * RSA keys: 2048-8192-bit odd modulus, odd public exponent from 65537 to 2^256-1 (NIST SP 800-89;
 * e = 1 would make "signatures" of anything verify), signed with SHA-256/384/512.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DerError, children, nullValue, oid, readWhole, sequence } from '../der';
import type { DerNode } from '../der';
import type { CheckedPublicKey, KeyTypeModule, Result } from './key-type';
import { nodeSign, verifier } from './node-signature';
import { RSA_KEY_TYPES } from './names';

const OIDS = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
} as const;

const MIN_BITS = 2048;
const MAX_BITS = 8192;
const MIN_EXPONENT = 65537n;
const MAX_EXPONENT_BITS = 256;

const GENERATES = RSA_KEY_TYPES;
type RsaKeyType = (typeof GENERATES)[number];

function fail<T>(reason: string): Result<T> {
  return { ok: false, reason };
}

function nameForBits(bits: number): string {
  return bits === 2048 || bits === 3072 || bits === 4096 ? `rsa${bits}` : 'rsa';
}

function checkModulusBits(bits: number): Result<string> {
  if (bits < MIN_BITS)
    return fail(`weak key: RSA-${bits}; policy requires RSA >= 2048 bits or ECDSA P-256/P-384`);
  if (bits > MAX_BITS) return fail(`RSA-${bits} is larger than the 8192-bit maximum`);
  return { ok: true, value: nameForBits(bits) };
}

function checkExponent(exponent: bigint): Result<void> {
  if (exponent % 2n === 0n || exponent < MIN_EXPONENT || exponent.toString(2).length > MAX_EXPONENT_BITS)
    return fail(
      `weak key: RSA public exponent ${exponent > 1n << 64n ? 'of more than 64 bits' : String(exponent)} is not accepted (policy: odd, from 65537 to 2^256-1)`,
    );
  return { ok: true, value: undefined };
}

/** A DER INTEGER that must be positive and minimally encoded; returns its magnitude bytes. */
function positiveInteger(node: DerNode | undefined, what: string): Buffer {
  if (node?.tag !== 0x02 || node.content.length === 0) throw new DerError(`RSA ${what} is not an INTEGER`);
  const bytes = node.content;
  if (bytes[0]! & 0x80) throw new DerError(`RSA ${what} is negative`);
  if (bytes.length > 1 && bytes[0] === 0 && !(bytes[1]! & 0x80))
    throw new DerError(`RSA ${what} is not minimally encoded`);
  return bytes[0] === 0 ? bytes.subarray(1) : bytes;
}

function bitLength(magnitude: Buffer): number {
  if (magnitude.length === 0) return 0;
  return (magnitude.length - 1) * 8 + magnitude[0]!.toString(2).length;
}

function checkPublicKey(parameters: DerNode | undefined, keyBits: Buffer): Result<CheckedPublicKey> {
  if (parameters !== undefined && (parameters.tag !== 0x05 || parameters.content.length !== 0))
    return fail('malformed CSR: RSA key parameters must be NULL');
  let modulus: Buffer;
  let exponent: Buffer;
  try {
    const parts = children(readWhole(keyBits));
    if (parts.length !== 2) throw new DerError('RSAPublicKey must hold exactly a modulus and an exponent');
    modulus = positiveInteger(parts[0], 'modulus');
    exponent = positiveInteger(parts[1], 'public exponent');
  } catch (error) {
    if (error instanceof DerError) return fail(`malformed CSR: ${error.message}`);
    throw error;
  }
  const keyType = checkModulusBits(bitLength(modulus));
  if (!keyType.ok) return keyType;
  if ((modulus[modulus.length - 1]! & 1) === 0) return fail('weak key: the RSA modulus is even');
  const exponentCheck = checkExponent(BigInt(`0x${exponent.toString('hex') || '0'}`));
  if (!exponentCheck.ok) return exponentCheck;
  try {
    const publicKey = createPublicKey({
      key: { kty: 'RSA', n: modulus.toString('base64url'), e: exponent.toString('base64url') },
      format: 'jwk',
    });
    return { ok: true, value: { keyType: keyType.value, verify: verifier(publicKey) } };
  } catch {
    return fail('malformed CSR: the RSA public key cannot be read');
  }
}

function classify(key: KeyObject): Result<string> {
  const bits = checkModulusBits(key.asymmetricKeyDetails?.modulusLength ?? 0);
  if (!bits.ok) return bits;
  const exponent = checkExponent(key.asymmetricKeyDetails?.publicExponent ?? 0n);
  return exponent.ok ? bits : exponent;
}

export const rsaKeys = {
  claims: (algorithmOid: string) => algorithmOid === OIDS.rsaEncryption,
  holds: (key: KeyObject) => key.asymmetricKeyType === 'rsa',
  suite: 'international',
  usage: 'rsa',
  generates: GENERATES,
  generate: (name: RsaKeyType) =>
    generateKeyPairSync('rsa', { modulusLength: Number(name.slice(3)), publicExponent: 0x10001 }),
  checkPublicKey,
  classify,
  signatureAlgorithm: () => ({ identifier: sequence(oid(OIDS.sha256WithRsa), nullValue()), hash: 'sha256' }),
  sign: nodeSign,
  csrSignatures: {
    [OIDS.sha256WithRsa]: 'sha256',
    [OIDS.sha384WithRsa]: 'sha384',
    [OIDS.sha512WithRsa]: 'sha512',
  },
  signatureParameters: 'null',
} as const satisfies KeyTypeModule<RsaKeyType>;
