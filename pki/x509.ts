/**
 * X.509 building blocks (RFC 5280) as pre-encodable DER pieces, and signing by the key's type.
 * Nothing here knows about nodes or policy: see issue.ts and profiles/.
 */
import { hash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  nullValue,
  octetString,
  oid,
  printableString,
  sequence,
  set,
  smallInteger,
  time,
  tlv,
  utf8String,
  children,
  readWhole,
} from './der';

import { OID } from './oids';

export { OID };

import type { SignatureAlgorithm } from './key-types/index';
import { signWith } from './key-types/index';

export type { HashName, SignatureAlgorithm } from './key-types/index';
export { signatureAlgorithmFor } from './key-types/index';

/** Signs a TBS structure and wraps it as Certificate / CertificateList / BasicOCSPResponse. */
export function signAndWrap(
  tbs: Buffer,
  key: KeyObject,
  algorithm: SignatureAlgorithm,
  ...trailer: Buffer[]
): Buffer {
  const signature = signWith(key, algorithm, tbs);
  return sequence(tbs, algorithm.identifier, bitString(signature), ...trailer);
}

// ---------------------------------------------------------------------------------------------------
// Names

export interface NameAttribute {
  type: 'C' | 'O' | 'OU' | 'L' | 'CN';
  value: string;
}

const NAME_OIDS: Record<NameAttribute['type'], string> = {
  C: OID.country,
  O: OID.organization,
  OU: OID.organizationalUnit,
  L: OID.locality,
  CN: OID.commonName,
};

/** A distinguished name, one attribute per RDN; C as PrintableString, the rest UTF8String (Chinese). */
export function encodeName(attributes: NameAttribute[]): Buffer {
  return sequence(
    ...attributes.map((attribute) =>
      set(
        sequence(
          oid(NAME_OIDS[attribute.type]),
          attribute.type === 'C' ? printableString(attribute.value) : utf8String(attribute.value),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------
// Keys

/** The subjectPublicKey BIT STRING contents of an SPKI (without the unused-bits octet). */
export function subjectPublicKeyBits(spki: Buffer): Buffer {
  const [, bits] = children(readWhole(spki));
  if (!bits || bits.tag !== 0x03) throw new Error('SPKI without subjectPublicKey');
  return bits.content.subarray(1);
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Buffer): Buffer {
  return hash('sha1', subjectPublicKeyBits(spki), 'buffer');
}

export function spkiOf(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

// ---------------------------------------------------------------------------------------------------
// Extensions

export function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(oid(id), boolean(true), octetString(value))
    : sequence(oid(id), octetString(value));
}

/** KeyUsage bits, RFC 5280 4.2.1.3. */
export const KEY_USAGE = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsageName = keyof typeof KEY_USAGE;

export function keyUsageExtension(usages: KeyUsageName[]): Buffer {
  let bits = 0;
  for (const usage of usages) bits |= 0x80 >> KEY_USAGE[usage];
  // DER named bit lists drop trailing zero bits.
  let unused = 0;
  while (unused < 7 && !(bits & (1 << unused))) unused += 1;
  return extension(OID.keyUsage, true, tlv(0x03, Buffer.from([unused, bits])));
}

export function basicConstraintsExtension(ca: boolean, pathLength?: number): Buffer {
  const body = ca ? [boolean(true), ...(pathLength === undefined ? [] : [smallInteger(pathLength)])] : [];
  return extension(OID.basicConstraints, true, sequence(...body));
}

export function extKeyUsageExtension(purposes: string[]): Buffer {
  return extension(OID.extKeyUsage, false, sequence(...purposes.map((purpose) => oid(purpose))));
}

export function subjectKeyIdentifierExtension(keyId: Buffer): Buffer {
  return extension(OID.subjectKeyIdentifier, false, octetString(keyId));
}

export function authorityKeyIdentifierExtension(keyId: Buffer): Buffer {
  return extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, keyId)));
}

export const dnsName = (name: string): Buffer => tlv(0x82, Buffer.from(name, 'ascii'));
export const uri = (url: string): Buffer => tlv(0x86, Buffer.from(url, 'ascii'));

export function ipv4Bytes(address: string): Buffer {
  const parts = address.split('.').map((part) => Number(part));
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) {
    throw new Error(`not an IPv4 address: ${address}`);
  }
  return Buffer.from(parts);
}

export const ipAddress = (address: string): Buffer => tlv(0x87, ipv4Bytes(address));

export function subjectAltNameExtension(names: { dns: string[]; ips: string[] }): Buffer {
  return extension(
    OID.subjectAltName,
    false,
    sequence(...names.dns.map(dnsName), ...names.ips.map(ipAddress)),
  );
}

export interface Ipv4Subnet {
  network: number;
  prefix: number;
}

export function parseSubnet(cidr: string): Ipv4Subnet {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  if (!address || !Number.isInteger(prefix) || prefix < 0 || prefix > 32)
    throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (ipv4Bytes(address).readUInt32BE(0) & mask) >>> 0, prefix };
}

export function subnetContains(subnet: Ipv4Subnet, address: string): boolean {
  const mask = subnet.prefix === 0 ? 0 : (0xffffffff << (32 - subnet.prefix)) >>> 0;
  return (ipv4Bytes(address).readUInt32BE(0) & mask) >>> 0 === subnet.network;
}

/** RFC 5280 4.2.1.10: a DNS constraint "example.gov.cn" permits the name and every name under it. */
export function domainPermits(domain: string, name: string): boolean {
  const d = domain.toLowerCase().replace(/^\./, '');
  const n = name.toLowerCase();
  return n === d || n.endsWith(`.${d}`);
}

/** Permitted subtrees only (critical), for a branch CA's domains and IPv4 subnets. */
export function nameConstraintsExtension(domains: string[], subnets: string[]): Buffer {
  const subtrees = [
    ...domains.map((domain) => sequence(dnsName(domain))),
    ...subnets.map((cidr) => {
      const subnet = parseSubnet(cidr);
      const mask = subnet.prefix === 0 ? 0 : (0xffffffff << (32 - subnet.prefix)) >>> 0;
      const bytes = Buffer.alloc(8);
      bytes.writeUInt32BE(subnet.network, 0);
      bytes.writeUInt32BE(mask, 4);
      return sequence(tlv(0x87, bytes));
    }),
  ];
  return extension(OID.nameConstraints, true, sequence(tlv(0xa0, ...subtrees)));
}

export function crlDistributionPointsExtension(url: string): Buffer {
  return extension(OID.crlDistributionPoints, false, sequence(sequence(explicit(0, tlv(0xa0, uri(url))))));
}

export function authorityInfoAccessExtension(ocspUrl: string | null, caIssuersUrl: string): Buffer {
  const descriptions = [
    ...(ocspUrl ? [sequence(oid(OID.ocsp), uri(ocspUrl))] : []),
    sequence(oid(OID.caIssuers), uri(caIssuersUrl)),
  ];
  return extension(OID.authorityInfoAccess, false, sequence(...descriptions));
}

export function ocspNoCheckExtension(): Buffer {
  return extension(OID.ocspNoCheck, false, nullValue());
}

// ---------------------------------------------------------------------------------------------------
// Certificates

export interface TbsFields {
  serial: Buffer; // INTEGER DER
  signatureAlgorithm: Buffer;
  issuer: Buffer; // Name DER
  notBefore: Date;
  notAfter: Date;
  subject: Buffer; // Name DER
  spki: Buffer;
  extensions: Buffer[];
}

export function encodeTbsCertificate(fields: TbsFields): Buffer {
  return sequence(
    explicit(0, smallInteger(2)),
    fields.serial,
    fields.signatureAlgorithm,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    fields.spki,
    explicit(3, sequence(...fields.extensions)),
  );
}

// ---------------------------------------------------------------------------------------------------
// Reading our own (trusted) certificates back

function parseTime(node: { tag: number; content: Buffer }): Date {
  const text = node.content.toString('ascii');
  const full = node.tag === 0x17 ? `${Number(text.slice(0, 2)) >= 50 ? '19' : '20'}${text}` : text;
  const iso = `${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}Z`;
  return new Date(iso);
}

export interface CertificateFields {
  tbs: Buffer;
  serialHex: string;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
}

export function readCertificate(der: Buffer): CertificateFields {
  const [tbsNode] = children(readWhole(der));
  if (!tbsNode) throw new Error('not a certificate');
  const parts = children(tbsNode);
  const offset = parts[0]?.tag === 0xa0 ? 1 : 0;
  const serial = parts[offset]!;
  const issuer = parts[offset + 2]!;
  const validity = children(parts[offset + 3]!);
  const subject = parts[offset + 4]!;
  const spki = parts[offset + 5]!;
  let start = 0;
  while (start < serial.content.length - 1 && serial.content[start] === 0) start += 1;
  return {
    tbs: Buffer.from(tbsNode.raw),
    serialHex: serial.content.subarray(start).toString('hex'),
    issuer: Buffer.from(issuer.raw),
    subject: Buffer.from(subject.raw),
    notBefore: parseTime(validity[0]!),
    notAfter: parseTime(validity[1]!),
    spki: Buffer.from(spki.raw),
  };
}
