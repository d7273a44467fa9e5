/**
 * Key generation and the encrypted-at-rest key format.
 *
 * CA private keys are stored as PKCS#8 EncryptedPrivateKeyInfo (PEM "ENCRYPTED PRIVATE KEY") with
 * PBES2: scrypt (RFC 7914, N=2^14 r=8 p=1 — 16 MiB, ~30 ms per unlock — random 16-byte salt) as the KDF and AES-256-CBC as the
 * cipher. It is the format `openssl pkcs8 -topk8 -v2 aes-256-cbc -scrypt` writes, so OpenSSL can open
 * a key for disaster recovery. Files are written 0600.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, scryptSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writePrivateFile } from '../common/index';
import {
  DerError,
  children,
  decodeOid,
  expectTag,
  fromPemAll,
  octetString,
  oid,
  readWhole,
  sequence,
  smallInteger,
  toPem,
} from './der';

// Generation lives with each key type (key-types/); re-exported for the callers of this module.
export { KEY_TYPES, generateKey, isKeyType } from './key-types/index';
export type { KeyType } from './key-types/index';

const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_SCRYPT = '1.3.6.1.4.1.11591.4.11';
const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';
// 32 MiB is OpenSSL's default scrypt memory ceiling; N=2^14, r=8 (16 MiB) is what `openssl pkcs8
// -scrypt` uses and opens without raising it. p=1.
const SCRYPT = { N: 16384, r: 8, p: 1 } as const;

function deriveKey(passphrase: string, salt: Buffer, N: number, r: number, p: number): Buffer {
  return scryptSync(Buffer.from(passphrase, 'utf8'), salt, 32, {
    N,
    r,
    p,
    maxmem: 256 * N * r + 1024 * 1024,
  });
}

/** PKCS#8 EncryptedPrivateKeyInfo PEM, PBES2(scrypt, AES-256-CBC). */
export function encryptPrivateKey(key: KeyObject, passphrase: string): string {
  if (passphrase.length < 8) throw new Error('passphrase must be at least 8 characters');
  const plain = key.export({ type: 'pkcs8', format: 'der' });
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', deriveKey(passphrase, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p), iv);
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  const algorithm = sequence(
    oid(OID_PBES2),
    sequence(
      sequence(
        oid(OID_SCRYPT),
        sequence(
          octetString(salt),
          smallInteger(SCRYPT.N),
          smallInteger(SCRYPT.r),
          smallInteger(SCRYPT.p),
          smallInteger(32),
        ),
      ),
      sequence(oid(OID_AES256_CBC), octetString(iv)),
    ),
  );
  return toPem('ENCRYPTED PRIVATE KEY', sequence(algorithm, octetString(encrypted)));
}

function readSmallInt(content: Buffer): number {
  let value = 0;
  for (const byte of content) value = value * 256 + byte;
  return value;
}

/** Opens a key written by encryptPrivateKey; a wrong passphrase is an error that says so. */
export function decryptPrivateKey(pem: string, passphrase: string, what: string): KeyObject {
  const der = fromPemAll(pem, 'ENCRYPTED PRIVATE KEY')[0];
  if (!der) throw new Error(`${what}: not an encrypted PKCS#8 key`);
  try {
    const [algorithm, data] = children(readWhole(der));
    const [algOid, params] = children(expectTag(algorithm, 0x30, 'algorithm'));
    if (decodeOid(expectTag(algOid, 0x06, 'oid')) !== OID_PBES2) throw new DerError('not PBES2');
    const [kdf, scheme] = children(expectTag(params, 0x30, 'PBES2 params'));
    const [kdfOid, kdfParams] = children(expectTag(kdf, 0x30, 'kdf'));
    if (decodeOid(expectTag(kdfOid, 0x06, 'kdf oid')) !== OID_SCRYPT) throw new DerError('KDF is not scrypt');
    const [salt, n, r, p] = children(expectTag(kdfParams, 0x30, 'scrypt params'));
    const [schemeOid, iv] = children(expectTag(scheme, 0x30, 'scheme'));
    if (decodeOid(expectTag(schemeOid, 0x06, 'scheme oid')) !== OID_AES256_CBC)
      throw new DerError('cipher is not AES-256-CBC');
    const derived = deriveKey(
      passphrase,
      expectTag(salt, 0x04, 'salt').content,
      readSmallInt(expectTag(n, 0x02, 'N').content),
      readSmallInt(expectTag(r, 0x02, 'r').content),
      readSmallInt(expectTag(p, 0x02, 'p').content),
    );
    const decipher = createDecipheriv('aes-256-cbc', derived, expectTag(iv, 0x04, 'iv').content);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(expectTag(data, 0x04, 'data').content), decipher.final()]);
    } catch {
      throw new Error(`${what}: wrong passphrase (the key could not be decrypted)`);
    }
    try {
      return createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' });
    } catch {
      throw new Error(`${what}: wrong passphrase (the key could not be decrypted)`);
    }
  } catch (error) {
    if (error instanceof DerError) throw new Error(`${what}: malformed encrypted key (${error.message})`);
    throw error;
  }
}

export function writeSecretFile(path: string, content: string | Buffer): void {
  writePrivateFile(path, content);
}

export function readKeyFile(path: string, passphrase: string, what: string): KeyObject {
  return decryptPrivateKey(readFileSync(path, 'utf8'), passphrase, what);
}
