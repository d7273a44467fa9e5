/**
 * Offline-root workflow. The root's key never leaves its (offline) machine:
 *   1. branch:  requestBranch()   — makes the branch key here (encrypted) and a PKCS#10 request;
 *   2. root:    signBranchCsr() (`ca sign-branch`, PkiService.signBranchCsr) — pathLen 0 and name
 *               constraints;
 *   3. branch:  installBranch()   — checks the certificate against the root and the key, installs
 *               both, and brings up the branch's OCSP signer and first CRL.
 * The branch directory then issues and revokes on its own; chains end at the installed root.
 */
import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { closeCaContext, openCaContext, planCaDir } from './ca-dir';
import type { PkiInitConfig } from './ca-dir';
import type { CaContext, Result } from './ca-context';
import { audited, fail } from './ca-context';
import { createCsr, parseCsr, trustedPublicKey } from './csr';
import { children, decodeOid, fromPemAll, readWhole, toPem } from './der';
import {
  buildBranchCertificate,
  caSubject,
  paths,
  prepareDir,
  readCaKey,
  readConfig,
  writeCaKey,
  writeCertPem,
  writeConfig,
} from './hierarchy';
import type { AuthorityConfig } from './hierarchy';
import { generateKey, mixedHierarchyRefusal, signatureHashOf } from './key-types/index';
import type { KeyType } from './key-types/index';
import { regenerateCrl } from './revocation';
import { readCertificate, spkiOf } from './x509';

/** Creates a branch-only CA directory: the branch key (encrypted) and its request for the root. */
export function requestBranch(
  dir: string,
  options: {
    pki: PkiInitConfig;
    branchId: string;
    passphrase: string;
    keyType?: KeyType;
    inventoryPath?: string | null;
    actor: string;
  },
): Result<{ csrPem: string }> {
  const branch = options.pki.branches.find((candidate) => candidate.id === options.branchId);
  const planned = planCaDir(dir, options, branch ? [{ ...branch, kind: 'branch', parentId: 'root' }] : [], {
    rootOffline: true,
  });
  if (!planned.ok) return planned;
  if (!branch) return fail(`branch "${options.branchId}" is not in the inventory's pki.branches`);
  const config = planned.value;
  const keyType = config.keyType;
  prepareDir(dir);
  const key = generateKey(keyType);
  writeCaKey(paths(dir).key(branch.id), key.privateKey, options.passphrase);
  writeConfig(dir, config);
  const csrPem = createCsr({
    key: key.privateKey,
    publicKey: key.publicKey,
    subject: caSubject(config, branch.commonName),
  });
  return { ok: true, value: { csrPem } };
}

/** Did `issuer` sign `der`? (certificate signature check with the issuer's public key) */
function signedBy(der: Buffer, issuerDer: Buffer): boolean {
  const [tbs, algorithm, signature] = children(readWhole(der));
  const hash = signatureHashOf(decodeOid(children(algorithm!)[0]));
  if (!tbs || !signature || !hash) return false;
  return trustedPublicKey(readCertificate(issuerDer).spki).verify(
    hash,
    tbs.raw,
    signature.content.subarray(1),
  );
}

/** Installs the branch certificate the offline root signed, after checking it; then starts OCSP and CRLs. */
export function installBranch(
  dir: string,
  options: { certPem: string; rootPem: string; passphrase: string; actor: string },
): Result<{ branchId: string; serial: string }> {
  const config = readConfig(dir);
  if (!config) return fail(`${dir} holds no CA; run "egov-noc ca init --branch ID --csr-out FILE" first`);
  const branch = config.authorities.find((authority) => authority.kind === 'branch');
  const root = config.authorities.find((authority) => authority.offline);
  if (!branch || !root) return fail(`${dir} is not a branch-only CA directory (no offline root in ca.json)`);
  const p = paths(dir);
  if (existsSync(p.cert(branch.id))) return fail(`branch "${branch.id}" already has a certificate installed`);
  const certDer = fromPemAll(options.certPem, 'CERTIFICATE')[0];
  const rootDer = fromPemAll(options.rootPem, 'CERTIFICATE')[0];
  if (!certDer || !rootDer) return fail('expected a PEM branch certificate and a PEM root certificate');
  let key;
  try {
    key = readCaKey(p.key(branch.id), options.passphrase, `CA key "${branch.id}"`);
  } catch (error) {
    return fail((error as Error).message);
  }
  try {
    const cert = readCertificate(certDer);
    const rootCert = readCertificate(rootDer);
    if (!rootCert.issuer.equals(rootCert.subject) || !signedBy(rootDer, rootDer))
      return fail('the root certificate is not self-signed');
    if (!cert.issuer.equals(rootCert.subject) || !signedBy(certDer, rootDer))
      return fail('the branch certificate was not signed by this root');
    if (!cert.spki.equals(spkiOf(createPublicKey(key))))
      return fail(`the branch certificate is for another key than ${p.key(branch.id)}`);
    if (cert.notAfter <= new Date()) return fail('the branch certificate has expired');
    writeCertPem(p.cert(root.id), rootDer);
    writeCertPem(p.cert(branch.id), certDer);
    // The audit chain starts here: record the installation, then the first signer and CRL.
    // Unlocking has already issued the branch's first delegated OCSP signer.
    const opened = openCaContext(dir, options.passphrase);
    if (!opened.ok) return opened;
    const ctx = opened.value;
    try {
      audited(ctx, {
        actor: options.actor,
        action: 'ca.install-branch',
        details: { id: branch.id, serial: cert.serialHex, root: root.id },
        at: ctx.now(),
      });
      regenerateCrl(ctx, branch.id, options.actor);
    } finally {
      closeCaContext(ctx);
    }
    return { ok: true, value: { branchId: branch.id, serial: cert.serialHex } };
  } catch (error) {
    return fail(`cannot install the branch certificate: ${(error as Error).message}`);
  }
}

export interface BranchSigningRequest {
  branch: {
    id: string;
    name: string;
    commonName: string;
    domains: string[];
    subnets: string[];
    validityYears: number;
  };
  csrPem: string;
  actor: string;
}

/**
 * At the root: signs a CSR for a branch CA whose key was made elsewhere. The branch gets pathLen 0
 * and the name constraints given here; one without any is refused.
 */
export function signBranchCsr(
  ctx: CaContext,
  request: BranchSigningRequest,
): Result<{ certPem: string; serial: string; chainPem: string }> {
  const root = ctx.cas.get('root');
  if (!root) return fail('this CA directory holds no root key');
  const csr = parseCsr(request.csrPem);
  if (!csr.ok) return csr;
  const mixed = mixedHierarchyRefusal(root.key, csr.value.suite);
  if (mixed) return fail(`branch "${request.branch.id}": ${mixed}`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(request.branch.id) || request.branch.id === 'root')
    return fail(`branch id "${request.branch.id}" must be kebab-case and not "root"`);
  if (request.branch.domains.length === 0 && request.branch.subnets.length === 0) {
    return fail(
      `branch "${request.branch.id}" has no domains or subnets: a branch without name constraints is refused`,
    );
  }
  const now = ctx.now();
  const authority: AuthorityConfig = { ...request.branch, kind: 'branch', parentId: 'root', subtrees: [] };
  let cert: { der: Buffer; serial: string };
  try {
    cert = buildBranchCertificate(root, ctx.config, authority, csr.value.spki, now);
  } catch (error) {
    return fail(`branch "${request.branch.id}": ${(error as Error).message}`);
  }
  const fields = readCertificate(cert.der);
  audited(
    ctx,
    {
      actor: request.actor,
      action: 'ca.sign-branch',
      details: {
        id: request.branch.id,
        serial: cert.serial,
        keyUsed: 'ca:root',
        domains: request.branch.domains,
        subnets: request.branch.subnets,
      },
      at: now,
    },
    () =>
      ctx.store.insert(
        {
          serial: cert.serial,
          issuerId: 'root',
          nodeId: null,
          profile: 'branch-ca',
          commonName: request.branch.commonName,
          dnsNames: [],
          ipAddresses: [],
          keyType: csr.value.keyType,
          notBefore: fields.notBefore.toISOString(),
          notAfter: fields.notAfter.toISOString(),
          issuedAt: now.toISOString(),
          renewedFrom: null,
          actor: request.actor,
        },
        cert.der,
      ),
  );
  return {
    ok: true,
    value: {
      certPem: toPem('CERTIFICATE', cert.der),
      serial: cert.serial,
      chainPem: toPem('CERTIFICATE', root.certDer),
    },
  };
}
