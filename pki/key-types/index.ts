/**
 * The key-type registry: every key type the PKI generates, accepts in a CSR or signs with. Adding
 * one is a file beside rsa.ts, ecdsa.ts and sm2.ts and its entry in MODULES (sm2 before ecdsa,
 * which claims every other ecPublicKey and holds every other EC key) and KEY_TYPES below.
 */
import type { KeyObject } from 'node:crypto';
import { DerError, children, decodeOid, readWhole } from '../der';
import type { DerNode } from '../der';
import { ecdsaKeys } from './ecdsa';
import type {
  CheckedPublicKey,
  HashName,
  KeyPair,
  KeySuite,
  KeyTypeModule,
  KeyUsageFamily,
  Result,
  SignatureAlgorithm,
} from './key-type';
import { POLICY } from './key-type';
import { rsaKeys } from './rsa';
import { sm2Keys } from './sm2';

export type {
  CheckedPublicKey,
  HashName,
  KeyPair,
  KeySuite,
  KeyTypeModule,
  KeyUsageFamily,
  Result,
  SignatureAlgorithm,
};

export const KEY_TYPE_MODULES: readonly KeyTypeModule[] = [rsaKeys, sm2Keys, ecdsaKeys];
const MODULES = KEY_TYPE_MODULES;

import { KEY_TYPES, isKeyType, type KeyType } from './names';

export { KEY_TYPES, isKeyType, type KeyType };

/** Key algorithms outside the policy, named so a refusal says what was sent. */
const OTHER_ALGORITHMS: Record<string, string> = {
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  '1.3.101.110': 'x25519',
  '1.3.101.111': 'x448',
  '1.2.840.10040.4.1': 'dsa',
  '1.2.840.113549.1.1.10': 'rsa-pss',
  '1.2.840.10046.2.1': 'dh',
};

function fail<T>(reason: string): Result<T> {
  return { ok: false, reason };
}

export function generateKey(type: KeyType): KeyPair {
  const module = MODULES.find((candidate) => candidate.generates.includes(type));
  if (!module) throw new Error(`no key-type module generates ${type}`);
  return module.generate(type);
}

function moduleOf(key: KeyObject): KeyTypeModule | undefined {
  return MODULES.find((module) => module.holds(key));
}

function moduleFor(key: KeyObject): KeyTypeModule {
  const module = moduleOf(key);
  if (!module) throw new Error(`unsupported key type ${key.asymmetricKeyType ?? '?'}`);
  return module;
}

/** Signs `data` with a key this process holds, by the algorithm its type signs with. */
export function signWith(key: KeyObject, algorithm: SignatureAlgorithm, data: Buffer): Buffer {
  return moduleFor(key).sign(key, algorithm.hash, data);
}

/** The suite (国密 or international) of a key this process holds. */
export function keySuiteOf(key: KeyObject): KeySuite {
  return moduleFor(key).suite;
}

const SUITE_NAMES: Record<KeySuite, string> = {
  sm: 'an SM2 (国密) hierarchy',
  international: 'an RSA/ECDSA hierarchy',
};

/**
 * Why a CA key may not sign for a subject key of another suite, or null when it may. Mixed
 * hierarchies are refused: a chain is SM2 from root to leaf, or RSA/ECDSA throughout.
 */
export function mixedHierarchyRefusal(caKey: KeyObject, subjectSuite: KeySuite): string | null {
  const caSuite = keySuiteOf(caKey);
  if (caSuite === subjectSuite) return null;
  const wanted = caSuite === 'sm' ? 'an SM2 key (sm2)' : 'an RSA or ECDSA key';
  return `this CA is ${SUITE_NAMES[caSuite]} and issues only to ${wanted}; mixed hierarchies are refused (README: mixed hierarchies)`;
}

/** The key types a CA key of this suite issues to (for --generate and the console). */
export function keyTypesForSuite(suite: KeySuite): string[] {
  return MODULES.filter((module) => module.suite === suite).flatMap((module) => [...module.generates]);
}

/** Classifies a key held here (CA or generated) against the issuance policy. */
export function classifyKey(key: KeyObject): Result<string> {
  const module = moduleOf(key);
  if (!module) return fail(`unsupported key type ${key.asymmetricKeyType ?? '?'}; ${POLICY}`);
  return module.classify(key);
}

/** The signature algorithm a CA key signs with: SHA-256 for RSA and P-256, SHA-384 for P-384, SM3 for SM2. */
export function signatureAlgorithmFor(key: KeyObject): SignatureAlgorithm {
  return moduleFor(key).signatureAlgorithm(key);
}

export function keyUsageFamilyOf(key: KeyObject): KeyUsageFamily {
  return moduleOf(key)?.usage ?? 'ec';
}

export interface PublicKeyInfo extends CheckedPublicKey {
  module: KeyTypeModule;
}

/**
 * Reads an untrusted SubjectPublicKeyInfo: strict structure, a key type from the registry, and that
 * type's own checks (sizes, exponent, curve, point). Never throws on bad input.
 */
export function readPublicKeyInfo(spki: Buffer): Result<PublicKeyInfo> {
  let algorithmOid: string;
  let parameters: DerNode | undefined;
  let keyBits: Buffer;
  try {
    const parts = children(readWhole(spki));
    const [algorithm, bits] = parts;
    if (parts.length !== 2 || algorithm?.tag !== 0x30 || bits?.tag !== 0x03)
      throw new DerError('SubjectPublicKeyInfo is not { algorithm, subjectPublicKey }');
    const algorithmParts = children(algorithm);
    if (algorithmParts.length === 0 || algorithmParts.length > 2 || algorithmParts[0]!.tag !== 0x06)
      throw new DerError('the key algorithm identifier is empty or malformed');
    algorithmOid = decodeOid(algorithmParts[0]);
    parameters = algorithmParts[1];
    if (bits.content.length < 2 || bits.content[0] !== 0)
      throw new DerError('the public key BIT STRING is empty or has unused bits');
    keyBits = bits.content.subarray(1);
  } catch (error) {
    if (error instanceof DerError) return fail(`malformed CSR: ${error.message}`);
    throw error;
  }
  const module = MODULES.find((candidate) => candidate.claims(algorithmOid, parameters));
  if (!module)
    return fail(`unsupported key type ${OTHER_ALGORITHMS[algorithmOid] ?? algorithmOid}; ${POLICY}`);
  try {
    const checked = module.checkPublicKey(parameters, keyBits);
    return checked.ok ? { ok: true, value: { ...checked.value, module } } : checked;
  } catch (error) {
    if (error instanceof DerError) return fail(`malformed CSR: ${error.message}`);
    throw error;
  }
}

/** The hash of a signature algorithm some key type signs with (certificates and CSRs alike). */
export function signatureHashOf(algorithmOid: string): HashName | null {
  for (const module of MODULES) {
    const hash = module.csrSignatures[algorithmOid];
    if (hash) return hash;
  }
  return null;
}

/**
 * The hash of a CSR signature: the algorithm must be one the key's type accepts, with the
 * parameters that algorithm defines (NULL for RSA, none for ECDSA).
 */
export function csrSignatureHash(module: KeyTypeModule, algorithm: DerNode): Result<HashName> {
  const parts = children(algorithm);
  if (parts.length === 0 || parts[0]!.tag !== 0x06)
    return fail('malformed CSR: the signature algorithm identifier is empty');
  const id = decodeOid(parts[0]);
  const hash = module.csrSignatures[id];
  if (!hash) {
    const known = MODULES.some((candidate) => candidate.csrSignatures[id] !== undefined);
    if (module.suite === 'sm')
      return fail(
        `an SM2 key's CSR must be signed SM2-with-SM3 (1.2.156.10197.1.501), not ${id}${known ? ' (ECDSA on the SM2 curve is not an SM2 signature)' : ''}`,
      );
    return fail(
      known
        ? 'CSR signature algorithm does not match its key type'
        : `CSR signature algorithm ${id} is not accepted (use SHA-256/384/512 with RSA or ECDSA, SM2-with-SM3 with SM2)`,
    );
  }
  const parameters = parts[1];
  const nullParameters = parameters?.tag === 0x05 && parameters.content.length === 0;
  const valid =
    parts.length <= 2 &&
    (module.signatureParameters === 'null'
      ? parameters === undefined || nullParameters
      : parameters === undefined);
  return valid ? { ok: true, value: hash } : fail('malformed CSR: unexpected signature algorithm parameters');
}
