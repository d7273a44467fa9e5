/**
 * Issuing node certificates: from a CSR, with a key generated here (returned once, never stored),
 * and renewal. Policy (names, validity, profile) is checked in issue.ts; this is the workflow.
 */
import type { KeyObject } from 'node:crypto';
import type { CaContext, Result } from './ca-context';
import { audited, chainDers, chainPem, fail, normalizeSerial } from './ca-context';
import { parseCsr } from './csr';
import { toPem } from './der';
import { approveNames, branchForNode, buildLeafCertificate, newSerial, validityFor } from './issue';
import {
  generateKey,
  isKeyType,
  keySuiteOf,
  keyUsageFamilyOf,
  mixedHierarchyRefusal,
  readPublicKeyInfo,
} from './key-types/index';
import type { KeySuite, KeyType, KeyUsageFamily } from './key-types/index';
import { buildPkcs12 } from './p12';
import { PROFILES, isProfileName, profileRefusal } from './profiles/index';
import { revoke } from './revocation';
import type { CertificateRecord } from './store';
import { readCertificate, spkiOf } from './x509';

export interface IssuedCertificate {
  record: CertificateRecord;
  certPem: string;
  /** Issuing CA(s) up to the root, root last. */
  chainPem: string;
}

export interface GeneratedCertificate extends IssuedCertificate {
  /** Unencrypted PKCS#8 PEM of the generated key; only when no PKCS#12 password was given. */
  keyPem?: string;
  /** Password-protected PKCS#12 (key, certificate, chain). */
  p12?: Buffer;
}

interface IssueRequest {
  nodeId: string;
  profile: string;
  commonName: string | null;
  sans: { dns: string[]; ips: string[] };
  spki: Buffer;
  keyAlgorithm: KeyUsageFamily;
  keyType: string;
  keySuite: KeySuite;
  validityDays: number | undefined;
  actor: string;
  renewedFrom: string | null;
  how: 'csr' | 'generated' | 'renewal';
}

/** Issues a certificate to an inventory node from a PKCS#10 CSR, after the policy checks. */
export function issueFromCsr(
  ctx: CaContext,
  request: { nodeId: string; profile: string; csrPem: string | Buffer; validityDays?: number; actor: string },
): Result<IssuedCertificate> {
  const csr = parseCsr(request.csrPem);
  if (!csr.ok) return csr;
  return issue(ctx, {
    nodeId: request.nodeId,
    profile: request.profile,
    commonName: csr.value.commonName,
    sans: csr.value.sans,
    spki: csr.value.spki,
    keyAlgorithm: csr.value.usage,
    keyType: csr.value.keyType,
    keySuite: csr.value.suite,
    validityDays: request.validityDays,
    actor: request.actor,
    renewedFrom: null,
    how: 'csr',
  });
}

/** Generates the key here and returns it once (PEM, or PKCS#12 when a password is given). */
export function issueWithGeneratedKey(
  ctx: CaContext,
  request: {
    nodeId: string;
    profile: string;
    keyType?: KeyType;
    commonName?: string;
    p12Password?: string;
    validityDays?: number;
    actor: string;
  },
): Result<GeneratedCertificate> {
  const keyType = request.keyType ?? defaultNodeKeyType(ctx);
  if (!isKeyType(keyType)) return fail(`unknown key type "${String(keyType)}"`);
  if (request.p12Password !== undefined && request.p12Password.length < 8)
    return fail('the PKCS#12 password must be at least 8 characters');
  const key = generateKey(keyType);
  const issued = issue(ctx, {
    nodeId: request.nodeId,
    profile: request.profile,
    commonName: request.commonName ?? null,
    sans: { dns: [], ips: [] },
    spki: spkiOf(key.publicKey),
    keyAlgorithm: keyUsageFamilyOf(key.publicKey),
    keyType,
    keySuite: keySuiteOf(key.publicKey),
    validityDays: request.validityDays,
    actor: request.actor,
    renewedFrom: null,
    how: 'generated',
  });
  if (!issued.ok) return issued;
  return { ok: true, value: deliver(ctx, issued.value, key.privateKey, request.p12Password) };
}

/** Keys generated without a named type: SM2 under an SM2 CA, P-256 otherwise. */
function defaultNodeKeyType(ctx: CaContext): KeyType {
  const branch = ctx.branches[0];
  return branch && keySuiteOf(branch.key) === 'sm' ? 'sm2' : 'p256';
}

function deliver(
  ctx: CaContext,
  issued: IssuedCertificate,
  key: KeyObject,
  p12Password: string | undefined,
): GeneratedCertificate {
  if (p12Password === undefined) {
    return { ...issued, keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }
  const p12 = buildPkcs12({
    key,
    certDer: ctx.store.get(issued.record.serial)!.der,
    chainDer: chainDers(ctx, issued.record.issuerId),
    password: p12Password,
    friendlyName: issued.record.commonName,
  });
  return { ...issued, p12 };
}

function issue(ctx: CaContext, request: IssueRequest): Result<IssuedCertificate> {
  if (!isProfileName(request.profile)) return fail(profileRefusal(request.profile));
  const profile = PROFILES[request.profile];
  if (!ctx.nodes)
    return fail('no inventory is loaded, so no node can be named in a certificate (pass --inventory)');
  const node = ctx.nodes.node(request.nodeId);
  const issuer = branchForNode(ctx.nodes, ctx.branches, request.nodeId);
  if (!issuer.ok) return issuer;
  if (!node) return fail(`unknown node "${request.nodeId}"`);
  const mixed = mixedHierarchyRefusal(issuer.value.key, request.keySuite);
  if (mixed) return fail(mixed);
  const names = approveNames(
    issuer.value,
    profile,
    node,
    { commonName: request.commonName, sans: request.sans },
    ctx.config,
  );
  if (!names.ok) return names;
  const now = ctx.now();
  const validity = validityFor(issuer.value, profile, request.validityDays, now);
  if (!validity.ok) return validity;
  // 123 random bits: a collision is not expected in the life of the CA, and the UNIQUE index on
  // serial refuses one anyway (the insert below throws rather than reuse a serial).
  const serial = newSerial();
  const der = buildLeafCertificate({
    issuer: issuer.value,
    profile,
    subject: names.value.subject,
    sans: names.value.sans,
    spki: request.spki,
    keyAlgorithm: request.keyAlgorithm,
    notBefore: validity.value.notBefore,
    notAfter: validity.value.notAfter,
    serial: serial.der,
  });
  const record = {
    serial: serial.hex,
    issuerId: issuer.value.id,
    nodeId: node.id,
    profile: profile.name,
    commonName: names.value.commonName,
    dnsNames: names.value.sans.dns,
    ipAddresses: names.value.sans.ips,
    keyType: request.keyType,
    notBefore: validity.value.notBefore.toISOString(),
    notAfter: validity.value.notAfter.toISOString(),
    issuedAt: now.toISOString(),
    renewedFrom: request.renewedFrom,
    actor: request.actor,
  };
  audited(
    ctx,
    {
      actor: request.actor,
      action: 'certificate.issue',
      details: {
        serial: serial.hex,
        issuer: issuer.value.id,
        keyUsed: `ca:${issuer.value.id}`,
        node: node.id,
        profile: profile.name,
        cn: names.value.commonName,
        notAfter: record.notAfter,
        via: request.how,
        ...(request.renewedFrom ? { renewedFrom: request.renewedFrom } : {}),
      },
      at: now,
    },
    () => ctx.store.insert(record, der),
  );
  const chain = chainPem(ctx, issuer.value.id);
  return {
    ok: true,
    value: {
      record: { ...record, status: 'valid', revokedAt: null, revocationReason: null },
      certPem: toPem('CERTIFICATE', der),
      chainPem: chain.ok ? chain.value : '',
    },
  };
}

export interface RenewRequest {
  serial: string;
  csrPem?: string;
  generate?: { keyType?: KeyType; p12Password?: string };
  validityDays?: number;
  revokeOld?: boolean;
  actor: string;
}

type RenewalKey = Pick<IssueRequest, 'spki' | 'keyAlgorithm' | 'keyType' | 'keySuite' | 'commonName'> & {
  generated: KeyObject | null;
};

/** The key of a renewal: a new CSR's (same subject), a generated one, or the old certificate's. */
function renewalKey(
  ctx: CaContext,
  old: { record: CertificateRecord; der: Buffer },
  request: RenewRequest,
): Result<RenewalKey> {
  if (request.csrPem !== undefined) {
    const csr = parseCsr(request.csrPem);
    if (!csr.ok) return csr;
    if (
      csr.value.commonName !== null &&
      csr.value.commonName.toLowerCase() !== old.record.commonName.toLowerCase()
    )
      return fail(
        `renewal keeps the subject: CSR CN "${csr.value.commonName}" differs from "${old.record.commonName}"`,
      );
    return {
      ok: true,
      value: {
        spki: csr.value.spki,
        keyAlgorithm: csr.value.usage,
        keyType: csr.value.keyType,
        keySuite: csr.value.suite,
        commonName: old.record.commonName,
        generated: null,
      },
    };
  }
  if (request.generate) {
    const type = request.generate.keyType ?? defaultNodeKeyType(ctx);
    const key = generateKey(type);
    return {
      ok: true,
      value: {
        spki: spkiOf(key.publicKey),
        keyAlgorithm: keyUsageFamilyOf(key.publicKey),
        keyType: type,
        keySuite: keySuiteOf(key.publicKey),
        commonName: old.record.commonName,
        generated: key.privateKey,
      },
    };
  }
  const spki = readCertificate(old.der).spki;
  const key = readPublicKeyInfo(spki);
  if (!key.ok) return key;
  return {
    ok: true,
    value: {
      spki,
      keyAlgorithm: key.value.module.usage,
      keyType: key.value.keyType,
      keySuite: key.value.module.suite,
      commonName: old.record.commonName,
      generated: null,
    },
  };
}

/**
 * Renews a certificate for the same node, profile and names: with the same key (no CSR), re-keyed
 * from a new CSR, or with a newly generated key. The old certificate stays valid until it expires
 * or is revoked (revokeOld: superseded).
 */
export function renew(ctx: CaContext, request: RenewRequest): Result<GeneratedCertificate> {
  const old = ctx.store.get(normalizeSerial(request.serial));
  if (!old) return fail(`no certificate with serial ${request.serial}`);
  if (old.record.nodeId === null)
    return fail(
      `certificate ${old.record.serial} is a CA certificate; CA renewal is an init/offline-root task`,
    );
  if (old.record.status === 'revoked')
    return fail(`certificate ${old.record.serial} is revoked; issue a new one instead of renewing`);
  const key = renewalKey(ctx, old, request);
  if (!key.ok) return key;
  const issued = issue(ctx, {
    nodeId: old.record.nodeId,
    profile: old.record.profile,
    commonName: key.value.commonName,
    sans: { dns: old.record.dnsNames, ips: old.record.ipAddresses },
    spki: key.value.spki,
    keyAlgorithm: key.value.keyAlgorithm,
    keyType: key.value.keyType,
    keySuite: key.value.keySuite,
    validityDays: request.validityDays,
    actor: request.actor,
    renewedFrom: old.record.serial,
    how: 'renewal',
  });
  if (!issued.ok) return issued;
  if (request.revokeOld) {
    const revoked = revoke(ctx, { serial: old.record.serial, reason: 'superseded', actor: request.actor });
    if (!revoked.ok) return revoked;
  }
  if (key.value.generated)
    return {
      ok: true,
      value: deliver(ctx, issued.value, key.value.generated, request.generate?.p12Password),
    };
  return issued;
}
