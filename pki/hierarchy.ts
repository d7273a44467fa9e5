/**
 * The CA hierarchy on disk: root (province) → branch CAs (city) → leaves, plus one delegated OCSP
 * signer per CA. Creating it (`ca init`) and unlocking it (open) live here.
 *
 *   DIR/ca.json                 configuration (no secrets)
 *   DIR/certs/<id>.pem          CA certificates;  DIR/certs/<id>-ocsp.pem  OCSP signer certificates
 *   DIR/keys/<id>.key.pem       encrypted PKCS#8 (0600; DIR/keys is 0700)
 *   DIR/crl/<id>.crl            current CRL (DER), also in ca.sqlite
 *   DIR/ca.sqlite               certificate index;  DIR/audit.log  hash-chained audit log
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { ensurePrivateDir, touchPrivateFile, writePrivateFile } from '../common/index';
import { join } from 'node:path';
import { fromPemAll, toPem } from './der';
import { generateKey } from './key-types/index';
import type { KeyType } from './key-types/index';
import { encryptPrivateKey, readKeyFile, writeSecretFile } from './keys';
import type { Authority } from './issue';
import { newSerial } from './issue';
import {
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  crlDistributionPointsExtension,
  encodeName,
  encodeTbsCertificate,
  extKeyUsageExtension,
  keyIdentifier,
  keyUsageExtension,
  nameConstraintsExtension,
  ocspNoCheckExtension,
  parseSubnet,
  readCertificate,
  signAndWrap,
  signatureAlgorithmFor,
  spkiOf,
  subjectKeyIdentifierExtension,
  subjectPublicKeyBits,
  OID,
} from './x509';
import type { NameAttribute } from './x509';

export interface AuthorityConfig {
  id: string;
  kind: 'root' | 'branch';
  name: string;
  commonName: string;
  parentId: string | null;
  domains: string[];
  subnets: string[];
  subtrees: string[];
  validityYears: number;
  /** A root whose key is kept offline: only its certificate is here (branch-only CA directory). */
  offline?: boolean;
}

export interface CaDirConfig {
  formatVersion: 1;
  publicBaseUrl: string;
  /** Absolute path of the inventory the node names come from (reloaded on open). */
  inventoryPath: string | null;
  country: string;
  organization: string;
  keyType: KeyType;
  authorities: AuthorityConfig[];
}

export const paths = (dir: string) => ({
  config: join(dir, 'ca.json'),
  db: join(dir, 'ca.sqlite'),
  audit: join(dir, 'audit.log'),
  certs: join(dir, 'certs'),
  keys: join(dir, 'keys'),
  crls: join(dir, 'crl'),
  cert: (id: string) => join(dir, 'certs', `${id}.pem`),
  key: (id: string) => join(dir, 'keys', `${id}.key.pem`),
  ocspCert: (id: string) => join(dir, 'certs', `${id}-ocsp.pem`),
  ocspKey: (id: string) => join(dir, 'keys', `${id}-ocsp.key.pem`),
  crl: (id: string) => join(dir, 'crl', `${id}.crl`),
});

export function urlsFor(baseUrl: string, id: string): Authority['urls'] {
  const base = baseUrl.replace(/\/+$/, '');
  return { crl: `${base}/crl/${id}.crl`, ocsp: `${base}/ocsp`, caIssuers: `${base}/ca/${id}.crt` };
}

export function readConfig(dir: string): CaDirConfig | null {
  const file = paths(dir).config;
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as CaDirConfig;
}

export function writeConfig(dir: string, config: CaDirConfig): void {
  writePrivateFile(paths(dir).config, `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Creates the CA directory and its certs/, keys/ and crl/ folders 0700 (and tightens them when an
 * older version left them wider): everything in it, not only keys, is the CA's private state.
 */
export function prepareDir(dir: string): void {
  const p = paths(dir);
  for (const folder of [dir, p.certs, p.keys, p.crls]) ensurePrivateDir(folder);
}

/** Tightens a CA directory an older version wrote (0755 folders, 0644 ca.json, CRLs, certificates). */
export function tightenCaDir(dir: string): void {
  prepareDir(dir);
  const p = paths(dir);
  for (const file of [p.config, p.audit]) if (existsSync(file)) touchPrivateFile(file);
  for (const folder of [p.certs, p.keys, p.crls])
    for (const name of readdirSync(folder)) touchPrivateFile(join(folder, name));
}

export function caSubject(
  config: Pick<CaDirConfig, 'country' | 'organization'>,
  commonName: string,
): NameAttribute[] {
  return [
    { type: 'C', value: config.country },
    { type: 'O', value: config.organization },
    { type: 'CN', value: commonName },
  ];
}

/** An authority object from its certificate and unlocked key. */
export function authorityFrom(
  authority: AuthorityConfig,
  certDer: Buffer,
  key: KeyObject,
  baseUrl: string,
): Authority {
  const fields = readCertificate(certDer);
  return {
    id: authority.id,
    kind: authority.kind,
    name: authority.name,
    commonName: authority.commonName,
    parentId: authority.parentId,
    certDer,
    subject: fields.subject,
    spki: fields.spki,
    keyId: keyIdentifier(fields.spki),
    key,
    algorithm: signatureAlgorithmFor(key),
    notAfter: fields.notAfter,
    domains: authority.domains,
    subnets: authority.subnets.map(parseSubnet),
    subnetTexts: authority.subnets,
    subtrees: authority.subtrees,
    urls: urlsFor(baseUrl, authority.id),
    templates: new Map(),
  };
}

const YEAR_MS = 365.25 * 86_400_000;

/** Self-signed root: CA, pathLen 1 (root → branch → leaf), keyCertSign + cRLSign. */
export function buildRootCertificate(
  config: CaDirConfig,
  authority: AuthorityConfig,
  key: { privateKey: KeyObject; publicKey: KeyObject },
  now: Date,
): { der: Buffer; serial: string } {
  const spki = spkiOf(key.publicKey);
  const name = encodeName(caSubject(config, authority.commonName));
  const serial = newSerial();
  const algorithm = signatureAlgorithmFor(key.privateKey);
  const tbs = encodeTbsCertificate({
    serial: serial.der,
    signatureAlgorithm: algorithm.identifier,
    issuer: name,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + authority.validityYears * YEAR_MS),
    subject: name,
    spki,
    extensions: [
      basicConstraintsExtension(true, 1),
      keyUsageExtension(['digitalSignature', 'keyCertSign', 'cRLSign']),
      subjectKeyIdentifierExtension(keyIdentifier(spki)),
    ],
  });
  return { der: signAndWrap(tbs, key.privateKey, algorithm), serial: serial.hex };
}

/** A branch (intermediate) CA signed by its parent: pathLen 0 and name constraints from config. */
export function buildBranchCertificate(
  parent: Authority,
  config: Pick<CaDirConfig, 'country' | 'organization'>,
  authority: AuthorityConfig,
  spki: Buffer,
  now: Date,
): { der: Buffer; serial: string; notAfter: Date } {
  const serial = newSerial();
  const wanted = new Date(now.getTime() + authority.validityYears * YEAR_MS);
  const notAfter = wanted > parent.notAfter ? parent.notAfter : wanted;
  const extensions = [
    basicConstraintsExtension(true, 0),
    keyUsageExtension(['digitalSignature', 'keyCertSign', 'cRLSign']),
    subjectKeyIdentifierExtension(keyIdentifier(spki)),
    authorityKeyIdentifierExtension(parent.keyId),
    crlDistributionPointsExtension(parent.urls.crl),
    authorityInfoAccessExtension(parent.urls.ocsp, parent.urls.caIssuers),
  ];
  if (authority.domains.length || authority.subnets.length) {
    extensions.push(nameConstraintsExtension(authority.domains, authority.subnets));
  }
  const tbs = encodeTbsCertificate({
    serial: serial.der,
    signatureAlgorithm: parent.algorithm.identifier,
    issuer: parent.subject,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter,
    subject: encodeName(caSubject(config, authority.commonName)),
    spki,
    extensions,
  });
  return { der: signAndWrap(tbs, parent.key, parent.algorithm), serial: serial.hex, notAfter };
}

export const OCSP_SIGNER_DAYS = 90;

/** The delegated OCSP signer of a CA: P-256 (fast responses), EKU OCSPSigning, id-pkix-ocsp-nocheck. */
export function buildOcspSignerCertificate(
  issuer: Authority,
  config: Pick<CaDirConfig, 'country' | 'organization'>,
  publicKey: KeyObject,
  now: Date,
): { der: Buffer; serial: string; notBefore: Date; notAfter: Date } {
  const spki = spkiOf(publicKey);
  const serial = newSerial();
  const wanted = new Date(now.getTime() + OCSP_SIGNER_DAYS * 86_400_000);
  const notAfter = wanted > issuer.notAfter ? issuer.notAfter : wanted;
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const tbs = encodeTbsCertificate({
    serial: serial.der,
    signatureAlgorithm: issuer.algorithm.identifier,
    issuer: issuer.subject,
    notBefore,
    notAfter,
    subject: encodeName([...caSubject(config, `${issuer.commonName} OCSP Responder`)]),
    spki,
    extensions: [
      basicConstraintsExtension(false),
      keyUsageExtension(['digitalSignature']),
      extKeyUsageExtension([OID.ocspSigning]),
      ocspNoCheckExtension(),
      subjectKeyIdentifierExtension(keyIdentifier(spki)),
      authorityKeyIdentifierExtension(issuer.keyId),
    ],
  });
  return { der: signAndWrap(tbs, issuer.key, issuer.algorithm), serial: serial.hex, notBefore, notAfter };
}

/** RFC 6960 CertID hashes of an issuer: of its subject name DER and of its public key bits. */
export function issuerHashes(authority: Pick<Authority, 'subject' | 'spki'>): {
  sha1: string;
  sha256: string;
} {
  const bits = subjectPublicKeyBits(authority.spki);
  const h = (algorithm: string, data: Buffer) => createHash(algorithm).update(data).digest('hex');
  return {
    sha1: `${h('sha1', authority.subject)}:${h('sha1', bits)}`,
    sha256: `${h('sha256', authority.subject)}:${h('sha256', bits)}`,
  };
}

export function writeCaKey(path: string, key: KeyObject, passphrase: string): void {
  writeSecretFile(path, encryptPrivateKey(key, passphrase));
}

export function readCaKey(path: string, passphrase: string, what: string): KeyObject {
  return readKeyFile(path, passphrase, what);
}

export function readCertPem(path: string): Buffer {
  const der = fromPemAll(readFileSync(path, 'utf8'), 'CERTIFICATE')[0];
  if (!der) throw new Error(`${path}: no certificate`);
  return der;
}

export function writeCertPem(path: string, der: Buffer): void {
  writePrivateFile(path, toPem('CERTIFICATE', der));
}

export { generateKey };
