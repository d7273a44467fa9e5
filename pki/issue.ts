/**
 * Issuance: the policy (who may get which names, for how long) and the hot path that assembles a
 * certificate from pre-encoded pieces and signs it natively.
 */
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { unsignedInteger } from './der';
import type { Result } from './csr';
import type { NodeDirectory, PkiNode } from './nodes';
import type { CertificateProfile } from './profiles/index';
import {
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  crlDistributionPointsExtension,
  domainPermits,
  encodeName,
  encodeTbsCertificate,
  extKeyUsageExtension,
  keyIdentifier,
  keyUsageExtension,
  signAndWrap,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
  subnetContains,
} from './x509';
import type { Ipv4Subnet, NameAttribute, SignatureAlgorithm } from './x509';

/** A CA that can sign: root or branch, with its key unlocked in memory. */
export interface Authority {
  id: string;
  kind: 'root' | 'branch';
  /** Display name (may be Chinese), e.g. 肇庆分中心. */
  name: string;
  commonName: string;
  parentId: string | null;
  certDer: Buffer;
  subject: Buffer;
  spki: Buffer;
  keyId: Buffer;
  key: KeyObject;
  algorithm: SignatureAlgorithm;
  notAfter: Date;
  domains: string[];
  subnets: Ipv4Subnet[];
  subnetTexts: string[];
  subtrees: string[];
  urls: { crl: string; ocsp: string; caIssuers: string };
  /** Pre-encoded extensions per profile and key algorithm (the template of the hot path). */
  templates: Map<string, Buffer[]>;
}

export interface SubjectPolicy {
  country: string;
  organization: string;
}

// Serial randomness is drawn from a pooled CSPRNG buffer: one randomBytes call per 256 serials.
let pool = Buffer.alloc(0);
let poolOffset = 0;

export function newSerial(): { der: Buffer; hex: string } {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(4096);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  pool.fill(0, poolOffset, poolOffset + 16);
  poolOffset += 16;
  // Positive, and a non-zero first nibble so the hex form is canonical: 16 bytes, 123 random bits.
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return { der: unsignedInteger(bytes), hex: bytes.toString('hex') };
}

function templateFor(issuer: Authority, profile: CertificateProfile, keyAlgorithm: 'rsa' | 'ec'): Buffer[] {
  const cacheKey = `${profile.name}/${keyAlgorithm}`;
  let template = issuer.templates.get(cacheKey);
  if (!template) {
    template = [
      basicConstraintsExtension(false),
      keyUsageExtension(profile.keyUsage(keyAlgorithm)),
      extKeyUsageExtension(profile.extKeyUsage),
      authorityKeyIdentifierExtension(issuer.keyId),
      crlDistributionPointsExtension(issuer.urls.crl),
      authorityInfoAccessExtension(issuer.urls.ocsp, issuer.urls.caIssuers),
    ];
    issuer.templates.set(cacheKey, template);
  }
  return template;
}

export interface LeafSpec {
  issuer: Authority;
  profile: CertificateProfile;
  subject: NameAttribute[];
  sans: { dns: string[]; ips: string[] };
  spki: Buffer;
  keyAlgorithm: 'rsa' | 'ec';
  notBefore: Date;
  notAfter: Date;
  serial: Buffer;
}

/** Assembles and signs an end-entity certificate. No policy here: callers check first. */
export function buildLeafCertificate(spec: LeafSpec): Buffer {
  const extensions = [...templateFor(spec.issuer, spec.profile, spec.keyAlgorithm)];
  if (spec.sans.dns.length || spec.sans.ips.length) extensions.push(subjectAltNameExtension(spec.sans));
  extensions.push(subjectKeyIdentifierExtension(keyIdentifier(spec.spki)));
  const tbs = encodeTbsCertificate({
    serial: spec.serial,
    signatureAlgorithm: spec.issuer.algorithm.identifier,
    issuer: spec.issuer.subject,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    subject: encodeName(spec.subject),
    spki: spec.spki,
    extensions,
  });
  return signAndWrap(tbs, spec.issuer.key, spec.issuer.algorithm);
}

/** The branch CA that serves a node: the one whose subtree holds the node, nearest subtree root first. */
export function branchForNode(
  nodes: NodeDirectory,
  branches: Authority[],
  nodeId: string,
): Result<Authority> {
  if (!nodes.node(nodeId)) return { ok: false, reason: `unknown node "${nodeId}" (not in the inventory)` };
  for (const id of [nodeId, ...nodes.ancestorIds(nodeId)]) {
    const branch = branches.find((candidate) => candidate.subtrees.includes(id));
    if (branch) return { ok: true, value: branch };
  }
  return {
    ok: false,
    reason: `node "${nodeId}" is in no branch CA's subtree (pki.branches[].subtrees in the inventory)`,
  };
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export interface ApprovedNames {
  subject: NameAttribute[];
  commonName: string;
  sans: { dns: string[]; ips: string[] };
}

/**
 * Which subject and SANs a node may have: only its own DNS names and management address, and only
 * inside the issuing branch's name constraints. For operator (person) certificates: a person's name
 * as CN, no SANs.
 */
export function approveNames(
  issuer: Authority,
  profile: CertificateProfile,
  node: PkiNode,
  requested: { commonName: string | null; sans: { dns: string[]; ips: string[] } },
  policy: SubjectPolicy,
): Result<ApprovedNames> {
  const base: NameAttribute[] = [
    { type: 'C', value: policy.country },
    { type: 'O', value: policy.organization },
    { type: 'OU', value: issuer.name },
  ];
  if (profile.subject === 'person') {
    const cn = requested.commonName?.trim() ?? '';
    if (!cn)
      return { ok: false, reason: "an operator certificate needs the person's name as the subject CN" };
    if (cn.length > 64 || /[\p{Cc}*]/u.test(cn))
      return {
        ok: false,
        reason: `forbidden name: subject CN "${cn}" (at most 64 printable characters, no wildcard)`,
      };
    if (HOSTNAME.test(cn.toLowerCase()) && cn.includes('.')) {
      return {
        ok: false,
        reason: `forbidden name: operator CN "${cn}" looks like a host name; use the person's name`,
      };
    }
    if (requested.sans.dns.length || requested.sans.ips.length) {
      return { ok: false, reason: 'forbidden name: operator certificates carry no DNS or IP subjectAltName' };
    }
    return {
      ok: true,
      value: {
        subject: [...base, { type: 'L', value: node.id }, { type: 'CN', value: cn }],
        commonName: cn,
        sans: { dns: [], ips: [] },
      },
    };
  }

  const ownDns = new Set(node.dnsNames.map((name) => name.toLowerCase()));
  const own = `node "${node.id}" (names: ${[...node.dnsNames, node.address].join(', ') || 'none'})`;
  const requestedDns = requested.sans.dns.map((name) => name.toLowerCase());
  for (const name of requestedDns) {
    if (!ownDns.has(name))
      return { ok: false, reason: `forbidden name: DNS name "${name}" does not belong to ${own}` };
  }
  for (const ip of requested.sans.ips) {
    if (ip !== node.address)
      return {
        ok: false,
        reason: `forbidden name: IP address ${ip} is not the management address of ${own}`,
      };
  }
  const sans =
    requestedDns.length || requested.sans.ips.length
      ? { dns: [...new Set(requestedDns)], ips: [...new Set(requested.sans.ips)] }
      : { dns: [...ownDns], ips: [node.address] };
  const commonName = requested.commonName?.toLowerCase() ?? sans.dns[0] ?? node.address;
  if (!ownDns.has(commonName) && commonName !== node.address) {
    return {
      ok: false,
      reason: `forbidden name: subject CN "${requested.commonName ?? ''}" does not belong to ${own}`,
    };
  }
  if (HOSTNAME.test(commonName) && commonName.includes('.') && !sans.dns.includes(commonName))
    sans.dns.unshift(commonName);
  if (commonName === node.address && !sans.ips.includes(commonName)) sans.ips.push(commonName);
  for (const name of sans.dns) {
    if (!HOSTNAME.test(name))
      return { ok: false, reason: `forbidden name: "${name}" is not a valid host name` };
    if (!issuer.domains.some((domain) => domainPermits(domain, name))) {
      return {
        ok: false,
        reason: `name "${name}" is outside branch CA "${issuer.id}"'s constraints (permitted domains: ${issuer.domains.join(', ') || 'none'})`,
      };
    }
  }
  for (const ip of sans.ips) {
    if (!issuer.subnets.some((subnet) => subnetContains(subnet, ip))) {
      return {
        ok: false,
        reason: `address ${ip} is outside branch CA "${issuer.id}"'s constraints (permitted subnets: ${issuer.subnetTexts.join(', ') || 'none'})`,
      };
    }
  }
  return { ok: true, value: { subject: [...base, { type: 'CN', value: commonName }], commonName, sans } };
}

export function validityFor(
  issuer: Authority,
  profile: CertificateProfile,
  requestedDays: number | undefined,
  now: Date,
): Result<{ notBefore: Date; notAfter: Date }> {
  const days = requestedDays ?? profile.maxValidityDays;
  if (!Number.isInteger(days) || days < 1)
    return { ok: false, reason: `validity must be a whole number of days >= 1 (got ${days})` };
  if (days > profile.maxValidityDays) {
    return {
      ok: false,
      reason: `validity ${days} days exceeds the ${profile.name} profile's cap of ${profile.maxValidityDays} days`,
    };
  }
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 5 * 60_000);
  const wanted = new Date(Math.floor(now.getTime() / 1000) * 1000 + days * 86_400_000);
  const notAfter = wanted > issuer.notAfter ? issuer.notAfter : wanted;
  if (notAfter <= now) return { ok: false, reason: `issuer "${issuer.id}" has expired` };
  return { ok: true, value: { notBefore, notAfter } };
}
