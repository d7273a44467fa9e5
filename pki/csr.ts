/**
 * PKCS#10 certification requests (RFC 2986): strict parsing of untrusted input into a typed value,
 * signature verification and the key policy (RSA >= 2048 or ECDSA P-256/P-384). Expected failures
 * are returned as `{ ok: false, reason }` with a reason a PKI administrator can act on.
 */
import { createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  DerError,
  bitString,
  children,
  decodeOid,
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
import { OID, encodeName, signatureAlgorithmFor, spkiOf, subjectAltNameExtension } from './x509';
import type { HashName, NameAttribute } from './x509';

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export type PublicKeyType = 'rsa2048' | 'rsa3072' | 'rsa4096' | 'rsa' | 'p256' | 'p384';

export interface ParsedCsr {
  /** The requested subject, as (type OID, text) pairs in order. */
  subject: { type: string; value: string }[];
  commonName: string | null;
  sans: { dns: string[]; ips: string[] };
  /** The subjectPublicKeyInfo exactly as requested. */
  spki: Buffer;
  publicKey: KeyObject;
  keyType: PublicKeyType;
}

const SIGNATURE_HASHES: Record<string, HashName> = {
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};

const NAME_TYPES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.country]: 'C',
  [OID.organization]: 'O',
  [OID.organizationalUnit]: 'OU',
  [OID.locality]: 'L',
  '2.5.4.8': 'ST',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

const STRING_TAGS = new Set([0x0c, 0x13, 0x16, 0x14, 0x1e]);

function decodeString(node: DerNode): string {
  if (!STRING_TAGS.has(node.tag)) throw new DerError('subject attribute is not a string');
  if (node.tag === 0x1e) {
    // BMPString: UTF-16BE.
    const swapped = Buffer.from(node.content);
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return node.content.toString(node.tag === 0x0c ? 'utf8' : 'latin1');
}

/** Classifies a public key against the issuance policy. */
export function classifyKey(key: KeyObject): Result<PublicKeyType> {
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048)
      return {
        ok: false,
        reason: `weak key: RSA-${bits}; policy requires RSA >= 2048 bits or ECDSA P-256/P-384`,
      };
    if (bits > 8192) return { ok: false, reason: `RSA-${bits} is larger than the 8192-bit maximum` };
    if (bits === 2048) return { ok: true, value: 'rsa2048' };
    if (bits === 3072) return { ok: true, value: 'rsa3072' };
    if (bits === 4096) return { ok: true, value: 'rsa4096' };
    return { ok: true, value: 'rsa' };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return { ok: true, value: 'p256' };
    if (curve === 'secp384r1') return { ok: true, value: 'p384' };
    return {
      ok: false,
      reason: `weak or unsupported key: EC curve ${curve ?? '?'}; policy allows ECDSA P-256/P-384 or RSA >= 2048`,
    };
  }
  return {
    ok: false,
    reason: `unsupported key type ${key.asymmetricKeyType ?? '?'}; policy allows RSA >= 2048 or ECDSA P-256/P-384`,
  };
}

function parseSans(extensionsValue: DerNode, sans: ParsedCsr['sans']): void {
  for (const ext of children(extensionsValue)) {
    const parts = children(ext);
    const id = decodeOid(parts[0]!);
    if (id !== OID.subjectAltName) continue;
    const value = parts[parts.length - 1]!;
    if (value.tag !== 0x04) throw new DerError('extension value is not an OCTET STRING');
    for (const name of children(readWhole(value.content))) {
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

const CURVES: Record<string, { crv: 'P-256' | 'P-384'; size: number }> = {
  '1.2.840.10045.3.1.7': { crv: 'P-256', size: 32 },
  '1.3.132.0.34': { crv: 'P-384', size: 48 },
};

/**
 * Imports an SubjectPublicKeyInfo. OpenSSL 3's DER decoder costs ~250-500 us per key here; importing
 * the same key as JWK (RSA n/e, EC x/y) skips the decoder framework and is 3-25x faster. Anything
 * unusual (compressed points, other algorithms) takes the DER path.
 */
export function importSpki(spki: Buffer): KeyObject {
  try {
    const [algorithm, bits] = children(readWhole(spki));
    const [algOid, params] = children(algorithm!);
    const id = decodeOid(algOid!);
    const key = bits!.content.subarray(1);
    if (id === OID.rsaEncryption && bits!.content[0] === 0) {
      const [n, e] = children(readWhole(key));
      const strip = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);
      if (n?.tag === 0x02 && e?.tag === 0x02) {
        return createPublicKey({
          key: {
            kty: 'RSA',
            n: strip(n.content).toString('base64url'),
            e: strip(e.content).toString('base64url'),
          },
          format: 'jwk',
        });
      }
    }
    if (id === OID.ecPublicKey && params?.tag === 0x06) {
      const curve = CURVES[decodeOid(params)];
      if (curve && key.length === 1 + 2 * curve.size && key[0] === 0x04) {
        return createPublicKey({
          key: {
            kty: 'EC',
            crv: curve.crv,
            x: key.subarray(1, 1 + curve.size).toString('base64url'),
            y: key.subarray(1 + curve.size).toString('base64url'),
          },
          format: 'jwk',
        });
      }
    }
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
  }
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

/** Parses and verifies a PEM (or DER) CSR. */
export function parseCsr(input: string | Buffer): Result<ParsedCsr> {
  let der: Buffer;
  if (typeof input === 'string') {
    const blocks = fromPemAll(input, 'CERTIFICATE REQUEST');
    const legacy = blocks.length ? blocks : fromPemAll(input, 'NEW CERTIFICATE REQUEST');
    if (legacy.length !== 1)
      return {
        ok: false,
        reason: 'not a PEM certificate request (expected one "BEGIN CERTIFICATE REQUEST" block)',
      };
    der = legacy[0]!;
  } else der = input;

  let info: DerNode;
  let algorithm: string;
  let signature: Buffer;
  const parsed: Omit<ParsedCsr, 'publicKey' | 'keyType'> = {
    subject: [],
    commonName: null,
    sans: { dns: [], ips: [] },
    spki: Buffer.alloc(0),
  };
  try {
    const top = children(readWhole(der));
    if (top.length !== 3 || top[0]!.tag !== 0x30 || top[1]!.tag !== 0x30 || top[2]!.tag !== 0x03)
      throw new DerError('not a CertificationRequest');
    info = top[0]!;
    algorithm = decodeOid(children(top[1]!)[0]!);
    const sigBits = top[2]!.content;
    if (sigBits[0] !== 0) throw new DerError('signature BIT STRING has unused bits');
    signature = sigBits.subarray(1);
    const [version, subject, spki, attributes] = children(info);
    if (version?.tag !== 0x02 || version.content.length !== 1 || version.content[0] !== 0)
      throw new DerError('version is not v1(0)');
    if (subject?.tag !== 0x30 || spki?.tag !== 0x30) throw new DerError('malformed subject or key');
    for (const rdn of children(subject)) {
      for (const attribute of children(rdn)) {
        const [type, value] = children(attribute);
        const typeOid = decodeOid(type!);
        const text = decodeString(value!);
        parsed.subject.push({ type: typeOid, value: text });
        if (typeOid === OID.commonName) {
          if (parsed.commonName !== null) throw new UnsupportedName('subject has more than one CN');
          parsed.commonName = text;
        }
      }
    }
    parsed.spki = Buffer.from(spki.raw);
    if (attributes) {
      if (attributes.tag !== 0xa0) throw new DerError('attributes are not [0]');
      for (const attribute of children(attributes)) {
        const [type, values] = children(attribute);
        if (decodeOid(type!) !== OID.extensionRequest) continue;
        for (const extensions of children(values!)) parseSans(extensions, parsed.sans);
      }
    }
  } catch (error) {
    if (error instanceof UnsupportedName) return { ok: false, reason: `forbidden name: ${error.message}` };
    if (error instanceof DerError) return { ok: false, reason: `malformed CSR: ${error.message}` };
    throw error;
  }

  let publicKey: KeyObject;
  try {
    publicKey = importSpki(parsed.spki);
  } catch {
    return { ok: false, reason: 'malformed CSR: the public key cannot be read' };
  }
  const keyType = classifyKey(publicKey);
  if (!keyType.ok) return keyType;
  const hash = SIGNATURE_HASHES[algorithm];
  if (!hash) {
    return {
      ok: false,
      reason: `CSR signature algorithm ${algorithm} is not accepted (use SHA-256/384/512 with RSA or ECDSA)`,
    };
  }
  const expectsRsa = algorithm.startsWith('1.2.840.113549');
  if (expectsRsa !== (publicKey.asymmetricKeyType === 'rsa')) {
    return { ok: false, reason: 'CSR signature algorithm does not match its key type' };
  }
  let valid = false;
  try {
    valid = verify(hash, info.raw, publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid)
    return {
      ok: false,
      reason: 'CSR signature does not verify (the request was altered or signed with another key)',
    };
  return { ok: true, value: { ...parsed, publicKey, keyType: keyType.value } };
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
  const der = sequence(info, algorithm.identifier, bitString(sign(algorithm.hash, info, options.key)));
  return toPem('CERTIFICATE REQUEST', der);
}

export function nameTypeLabel(typeOid: string): string {
  return NAME_TYPES[typeOid] ?? typeOid;
}
