/**
 * One file per key type (rsa.ts, ecdsa.ts, sm2.ts) behind this interface: how keys are generated,
 * how an untrusted SubjectPublicKeyInfo is checked against the policy, which signature algorithms
 * and hashes go with the key, and how the key signs and verifies.
 */
import type { KeyObject } from 'node:crypto';
import type { DerNode } from '../der';

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export type HashName = 'sha256' | 'sha384' | 'sha512' | 'sm3';

export interface SignatureAlgorithm {
  /** AlgorithmIdentifier DER. */
  identifier: Buffer;
  hash: HashName;
}

/** Which keyUsage bits a profile may set: RSA keys may also encipher, EC keys only sign. */
export type KeyUsageFamily = 'rsa' | 'ec';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface CheckedPublicKey {
  /** The name the index records: rsa2048, p256, sm2, … */
  keyType: string;
  /** Whether `signature` over `data` verifies under this key; false for any malformed signature. */
  verify(hash: HashName, data: Buffer, signature: Buffer): boolean;
}

/**
 * Which hierarchy a key belongs to. A CA issues only to keys of its own suite (README: mixed
 * hierarchies): 国密 (SM2) CAs to SM2 keys, RSA/ECDSA CAs to RSA/ECDSA keys.
 */
export type KeySuite = 'international' | 'sm';

export interface KeyTypeModule<Generated extends string = string> {
  /**
   * Whether an SPKI with this algorithm OID (and parameters) is this module's to check. The registry
   * asks the modules in order, so one sharing an OID (SM2 keys are ecPublicKey on the SM2 curve)
   * is listed before the general one.
   */
  claims(algorithmOid: string, parameters: DerNode | undefined): boolean;
  /** Whether a key this process holds (CA, generated) is of this type. */
  holds(key: KeyObject): boolean;
  readonly suite: KeySuite;
  readonly usage: KeyUsageFamily;
  /** Names accepted by `ca init --key-type` and `--generate --key-type`. */
  readonly generates: readonly Generated[];
  generate(name: Generated): KeyPair;
  /**
   * Checks an untrusted key (the SPKI's algorithm parameters and subjectPublicKey bits, unused-bits
   * octet removed) against the policy, then imports it. Never throws on bad input.
   */
  checkPublicKey(parameters: DerNode | undefined, keyBits: Buffer): Result<CheckedPublicKey>;
  /** Classifies a key this process holds (a CA key, a generated key) by the same policy. */
  classify(key: KeyObject): Result<string>;
  /** The signature algorithm a CA key of this type signs with. */
  signatureAlgorithm(key: KeyObject): SignatureAlgorithm;
  /** Signs `data` (the whole message; the module hashes it) with a private key of this type. */
  sign(key: KeyObject, hash: HashName, data: Buffer): Buffer;
  /** CSR signature algorithms accepted from a key of this type: OID → hash. */
  readonly csrSignatures: Readonly<Record<string, HashName>>;
  /** Whether those AlgorithmIdentifiers carry NULL parameters (RSA) or none (ECDSA). */
  readonly signatureParameters: 'null' | 'absent';
}

export const POLICY = 'policy allows RSA >= 2048, ECDSA P-256/P-384 or SM2';
