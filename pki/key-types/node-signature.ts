/** Signing and verifying through Node's OpenSSL, for the key types whose algorithms it implements (RSA, ECDSA). */
import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CheckedPublicKey, HashName } from './key-type';

/** Node's one-shot verify; an unusable signature is false, not an exception. */
export function verifier(publicKey: KeyObject): CheckedPublicKey['verify'] {
  return (hash, data, signature) => {
    if (hash === 'sm3') return false;
    try {
      return verify(hash, data, publicKey, signature);
    } catch {
      return false;
    }
  };
}

export function nodeSign(key: KeyObject, hash: HashName, data: Buffer): Buffer {
  return sign(hash, data, key);
}
