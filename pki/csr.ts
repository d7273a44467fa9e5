/**
 * PKCS#10 certification requests (RFC 2986): strict parsing of untrusted input into a typed value,
 * signature verification and the key policy (RSA >= 2048, ECDSA P-256/P-384 or SM2). Expected failures
 * are returned as `{ ok: false, reason }` with a reason a PKI administrator can act on.
 */
import type { KeyObject } from 'node:crypto';
import {
  DerError,
  bitString,
  children,
  decodeOid,
  expectTag,
  explicit,
  fromPemAll,
  oid,
  readWhole,
  sequence,
  set,
  smallInteger,
  toPem,
} from './der';
import type { DerNode } from './der';
import {
  classifyKey,
  csrSignatureHash,
  readPublicKeyInfo,
  signWith,
  signatureAlgorithmFor,
} from './key-types/index';
import type { CheckedPublicKey, HashName, KeySuite, KeyUsageFamily, Result } from './key-types/index';
import { OID, encodeName, spkiOf, subjectAltNameExtension } from './x509';
import type { NameAttribute } from './x509';

export type { Result } from './key-types/index';

/** The key type the index records: rsa2048, rsa3072, rsa4096, rsa (other sizes), p256, p384, sm2. */
export type PublicKeyType = string;

export interface ParsedCsr {
  /** The requested subject, as (type OID, text) pairs in order. */
  subject: { type: string; value: string }[];
  commonName: string | null;
  sans: { dns: string[]; ips: string[] };
  /** The subjectPublicKeyInfo exactly as requested. */
  spki: Buffer;
  keyType: PublicKeyType;
  /** Which keyUsage bits the key may carry (RSA may also encipher). */
  usage: KeyUsageFamily;
  /** 国密 (SM2) or international (RSA/ECDSA): a CA issues only within its own suite. */
  suite: KeySuite;
}

const STRING_TAGS = new Set([0x0c, 0x13, 0x16, 0x14, 0x1e]);

function decodeString(node: DerNode | undefined): string {
  if (!node || !STRING_TAGS.has(node.tag)) throw new DerError('subject attribute is not a string');
  if (node.tag === 0x1e) {
    if (node.content.length % 2 !== 0) throw new DerError('BMPString of odd length');
    // BMPString: UTF-16BE.
    const swapped = Buffer.from(node.content);
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return node.content.toString(node.tag === 0x0c ? 'utf8' : 'latin1');
}

/** The children of a node that must be a SEQUENCE (0x30) or SET (0x31) of exactly `count` or more. */
function childrenOf(node: DerNode | undefined, tag: number, what: string, minimum = 0): DerNode[] {
  const items = children(expectTag(node, tag, what));
  if (items.length < minimum) throw new DerError(`${what}: expected at least ${minimum} elements`);
  return items;
}

function parseSans(extensionsValue: DerNode, sans: ParsedCsr['sans']): void {
  for (const ext of childrenOf(extensionsValue, 0x30, 'extensions')) {
    const parts = childrenOf(ext, 0x30, 'extension', 2);
    if (parts.length > 3) throw new DerError('extension has too many fields');
    const id = decodeOid(parts[0]);
    if (id !== OID.subjectAltName) continue;
    const value = expectTag(parts[parts.length - 1], 0x04, 'extension value');
    for (const name of childrenOf(readWhole(value.content), 0x30, 'subjectAltName')) {
      if (name.tag === 0x82) sans.dns.push(name.content.toString('ascii'));
      else if (name.tag === 0x87) {
        if (name.content.length !== 4)
          throw new UnsupportedName('only IPv4 addresses are issued (IPv6 SAN requested)');
        sans.ips.push([...name.content].join('.'));
      } else
        throw new UnsupportedName(
          `subjectAltName of type [${name.tag & 0x1f}] is not issued (only DNS names and IPv4 addresses)`,
        );
    }
  }
}

class UnsupportedName extends Error {}

/** Reads a SubjectPublicKeyInfo this process trusts (a CA certificate's); throws when it is not usable. */
export function trustedPublicKey(spki: Buffer): CheckedPublicKey {
  const read = readPublicKeyInfo(spki);
  if (!read.ok) throw new Error(read.reason);
  return read.value;
}

export { classifyKey };

interface CsrParts {
  info: DerNode;
  signatureAlgorithm: DerNode;
  signature: Buffer;
  fields: Omit<ParsedCsr, 'keyType' | 'usage' | 'suite'>;
}

function parseSubject(subject: DerNode, fields: CsrParts['fields']): void {
  for (const rdn of childrenOf(subject, 0x30, 'subject')) {
    for (const attribute of childrenOf(rdn, 0x31, 'relative distinguished name', 1)) {
      const [type, value, extra] = childrenOf(attribute, 0x30, 'subject attribute', 2);
      if (extra) throw new DerError('subject attribute has more than a type and a value');
      const typeOid = decodeOid(type);
      const text = decodeString(value);
      fields.subject.push({ type: typeOid, value: text });
      if (typeOid === OID.commonName) {
        if (fields.commonName !== null) throw new UnsupportedName('subject has more than one CN');
        fields.commonName = text;
      }
    }
  }
}

function parseAttributes(attributes: DerNode, fields: CsrParts['fields']): void {
  for (const attribute of childrenOf(attributes, 0xa0, 'attributes')) {
    const [type, values, extra] = childrenOf(attribute, 0x30, 'attribute', 2);
    if (extra) throw new DerError('attribute has more than a type and values');
    if (decodeOid(type) !== OID.extensionRequest) continue;
    for (const extensions of childrenOf(values, 0x31, 'attribute values', 1))
      parseSans(extensions, fields.sans);
  }
}

/** The CertificationRequest structure; DerError / UnsupportedName on anything malformed. */
function parseStructure(der: Buffer): CsrParts {
  const top = children(readWhole(der));
  if (top.length !== 3 || top[0]!.tag !== 0x30 || top[1]!.tag !== 0x30 || top[2]!.tag !== 0x03)
    throw new DerError('not a CertificationRequest');
  const [info, signatureAlgorithm, signatureBits] = top as [DerNode, DerNode, DerNode];
  if (signatureBits.content.length < 2 || signatureBits.content[0] !== 0)
    throw new DerError('signature BIT STRING is empty or has unused bits');
  const [version, subject, spki, attributes, extra] = children(info);
  if (version?.tag !== 0x02 || version.content.length !== 1 || version.content[0] !== 0)
    throw new DerError('version is not v1(0)');
  if (subject?.tag !== 0x30 || spki?.tag !== 0x30) throw new DerError('malformed subject or key');
  if (extra) throw new DerError('trailing fields after the attributes');
  const fields: CsrParts['fields'] = {
    subject: [],
    commonName: null,
    sans: { dns: [], ips: [] },
    spki: Buffer.from(spki.raw),
  };
  parseSubject(subject, fields);
  if (attributes) parseAttributes(attributes, fields);
  return { info, signatureAlgorithm, signature: signatureBits.content.subarray(1), fields };
}

function csrDer(input: string | Buffer): Result<Buffer> {
  if (typeof input !== 'string') return { ok: true, value: input };
  const blocks = fromPemAll(input, 'CERTIFICATE REQUEST');
  const legacy = blocks.length ? blocks : fromPemAll(input, 'NEW CERTIFICATE REQUEST');
  if (legacy.length !== 1)
    return {
      ok: false,
      reason: 'not a PEM certificate request (expected one "BEGIN CERTIFICATE REQUEST" block)',
    };
  return { ok: true, value: legacy[0]! };
}

/** Parses and verifies a PEM (or DER) CSR; every malformed input is a reason, never an exception. */
export function parseCsr(input: string | Buffer): Result<ParsedCsr> {
  const der = csrDer(input);
  if (!der.ok) return der;
  let parts: CsrParts;
  try {
    parts = parseStructure(der.value);
  } catch (error) {
    if (error instanceof UnsupportedName) return { ok: false, reason: `forbidden name: ${error.message}` };
    if (error instanceof DerError) return { ok: false, reason: `malformed CSR: ${error.message}` };
    throw error;
  }
  const key = readPublicKeyInfo(parts.fields.spki);
  if (!key.ok) return key;
  let hash: Result<HashName>;
  try {
    hash = csrSignatureHash(key.value.module, parts.signatureAlgorithm);
  } catch (error) {
    if (error instanceof DerError) return { ok: false, reason: `malformed CSR: ${error.message}` };
    throw error;
  }
  if (!hash.ok) return hash;
  if (!key.value.verify(hash.value, parts.info.raw, parts.signature))
    return {
      ok: false,
      reason:
        key.value.module.suite === 'sm'
          ? 'CSR signature does not verify as SM2-with-SM3 with the default ID 1234567812345678 (the request was altered, signed with another key, or signed ECDSA-style)'
          : 'CSR signature does not verify (the request was altered or signed with another key)',
    };
  return {
    ok: true,
    value: {
      ...parts.fields,
      keyType: key.value.keyType,
      usage: key.value.module.usage,
      suite: key.value.module.suite,
    },
  };
}

/** Builds a signed PKCS#10 request: for tests, benchmarks and the offline-root branch workflow. */
export function createCsr(options: {
  key: KeyObject;
  publicKey: KeyObject;
  subject: NameAttribute[];
  sans?: { dns: string[]; ips: string[] };
}): string {
  const algorithm = signatureAlgorithmFor(options.key);
  const sans = options.sans && (options.sans.dns.length || options.sans.ips.length) ? options.sans : null;
  const attributes = sans
    ? explicit(0, sequence(oid(OID.extensionRequest), set(sequence(subjectAltNameExtension(sans)))))
    : Buffer.from([0xa0, 0x00]);
  const info = sequence(smallInteger(0), encodeName(options.subject), spkiOf(options.publicKey), attributes);
  const der = sequence(info, algorithm.identifier, bitString(signWith(options.key, algorithm, info)));
  return toPem('CERTIFICATE REQUEST', der);
}
