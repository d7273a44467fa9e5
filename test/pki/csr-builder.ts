/**
 * Builds PKCS#10 requests around any SubjectPublicKeyInfo, for the key-policy and fuzz tests: the
 * key may be one no library would make (RSA e = 1, a point off the curve, explicit parameters).
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  bigInteger,
  bitString,
  nullValue,
  oid,
  sequence,
  set,
  smallInteger,
  toPem,
  utf8String,
} from '../../pki/der';
import { OID } from '../../pki/x509';

export const CN = 'core.zhaoqing.gov.cn';

function subject(): Buffer {
  return sequence(set(sequence(oid(OID.commonName), utf8String(CN))));
}

export function requestInfo(spki: Buffer): Buffer {
  return sequence(smallInteger(0), subject(), spki, Buffer.from([0xa0, 0x00]));
}

export function csrDer(info: Buffer, algorithm: Buffer, signature: Buffer): Buffer {
  return sequence(info, algorithm, bitString(signature));
}

export const pem = (der: Buffer) => toPem('CERTIFICATE REQUEST', der);

export const RSA_SHA256 = sequence(oid(OID.sha256WithRsa), nullValue());
export const ECDSA_SHA256 = sequence(oid(OID.ecdsaWithSha256));

export function rsaSpki(modulus: bigint, exponent: bigint, parameters: Buffer = nullValue()): Buffer {
  const key = sequence(bigInteger(modulus), bigInteger(exponent));
  return sequence(sequence(oid(OID.rsaEncryption), parameters), bitString(key));
}

export function ecSpki(curveParameters: Buffer, point: Buffer): Buffer {
  return sequence(sequence(oid(OID.ecPublicKey), curveParameters), bitString(point));
}

export const P256 = oid('1.2.840.10045.3.1.7');

/** A real key's modulus, from its JWK. */
export function rsaModulus(key: KeyObject): bigint {
  const n = key.export({ format: 'jwk' }).n!;
  return BigInt(`0x${Buffer.from(n, 'base64url').toString('hex')}`);
}

/**
 * With e = 1, "s^e mod n" is s itself, so the padded digest is its own signature: anyone can sign
 * anything for such a key. This request verifies under it.
 */
export function forgedExponentOneCsr(): Buffer {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const n = rsaModulus(publicKey);
  const info = requestInfo(rsaSpki(n, 1n));
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    createHash('sha256').update(info).digest(),
  ]);
  const padded = Buffer.concat([
    Buffer.from([0x00, 0x01]),
    Buffer.alloc(256 - 3 - digestInfo.length, 0xff),
    Buffer.from([0x00]),
    digestInfo,
  ]);
  return csrDer(info, RSA_SHA256, padded);
}

/** A request signed by `key` around `spki` (which need not be key's own). */
export function signedCsr(spki: Buffer, key: KeyObject, algorithm: Buffer): Buffer {
  const info = requestInfo(spki);
  return csrDer(info, algorithm, sign('sha256', info, key));
}
