/**
 * Offline-root workflow, branch side. The root's key never leaves its (offline) machine:
 *   1. branch:  requestBranch()   — makes the branch key here (encrypted) and a PKCS#10 request;
 *   2. root:    PkiService.signBranchCsr() (`ca sign-branch`) — pathLen 0 and name constraints;
 *   3. branch:  installBranch()   — checks the certificate against the root and the key, installs
 *               both, and brings up the branch's OCSP signer and first CRL.
 * The branch directory then issues and revokes on its own; chains end at the installed root.
 */
import { createPublicKey, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createCsr } from './csr';
import type { Result } from './csr';
import { children, decodeOid, fromPemAll, readWhole } from './der';
import {
  caSubject,
  paths,
  prepareDir,
  readCaKey,
  readConfig,
  writeCaKey,
  writeCertPem,
  writeConfig,
} from './hierarchy';
import { generateKey } from './keys';
import type { KeyType } from './keys';
import { openCa, planCaDir } from './service';
import type { PkiInitConfig } from './service';
import { importSpki } from './csr';
import { OID, readCertificate, spkiOf } from './x509';

function fail<T>(reason: string): Result<T> {
  return { ok: false, reason };
}

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

const SIGNATURE_HASHES: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};

/** Did `issuer` sign `der`? (certificate signature check with the issuer's public key) */
function signedBy(der: Buffer, issuerDer: Buffer): boolean {
  const [tbs, algorithm, signature] = children(readWhole(der));
  const hash = SIGNATURE_HASHES[decodeOid(children(algorithm!)[0])];
  if (!tbs || !signature || !hash) return false;
  return verify(hash, tbs.raw, importSpki(readCertificate(issuerDer).spki), signature.content.subarray(1));
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
    const opened = openCa(dir, options.passphrase);
    if (!opened.ok) return opened;
    const service = opened.value;
    // openCa has already issued the branch's first delegated OCSP signer.
    service.recordAdmin(options.actor, 'ca.install-branch', {
      id: branch.id,
      serial: cert.serialHex,
      root: root.id,
    });
    service.regenerateCrl(branch.id, options.actor);
    service.close();
    return { ok: true, value: { branchId: branch.id, serial: cert.serialHex } };
  } catch (error) {
    return fail(`cannot install the branch certificate: ${(error as Error).message}`);
  }
}
