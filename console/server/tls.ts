/**
 * The console's HTTPS certificate, issued by the project's own CA (pki/) for the inventory node the
 * console runs on, so operators' browsers that trust the branch CA trust the console. Kept in
 * <stateDir>/tls (folder 0700, key 0600, also when an older version left them wider) and re-issued
 * when missing or within 30 days of expiry.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, touchPrivateFile, writePrivateFile } from '../../common';
import type { PkiPort } from './ports';

const RENEW_BEFORE_MS = 30 * 86_400_000;

export type TlsMaterial =
  { ok: true; certPem: string; keyPem: string; issued: boolean } | { ok: false; reason: string };

export function consoleTlsFromCa(
  pki: PkiPort,
  node: string,
  stateDir: string,
  nowMs = Date.now(),
): TlsMaterial {
  const dir = join(stateDir, 'tls');
  const certFile = join(dir, 'console.crt');
  const keyFile = join(dir, 'console.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    ensurePrivateDir(dir);
    touchPrivateFile(keyFile);
    const certPem = readFileSync(certFile, 'utf8');
    const leaf = new X509Certificate(certPem);
    const serial = leaf.serialNumber.toLowerCase().replace(/^0+/, '');
    const revoked = pki.getCertificate(serial)?.record.status === 'revoked';
    if (!revoked && Date.parse(leaf.validTo) - nowMs > RENEW_BEFORE_MS)
      return { ok: true, certPem, keyPem: readFileSync(keyFile, 'utf8'), issued: false };
  }
  const issued = pki.issueWithGeneratedKey({
    nodeId: node,
    profile: 'server',
    keyType: 'p256',
    actor: 'console:tls',
  });
  if (!issued.ok)
    return { ok: false, reason: `the CA refused a server certificate for node "${node}": ${issued.reason}` };
  const keyPem = (issued.value as { keyPem?: string }).keyPem;
  if (keyPem === undefined)
    return { ok: false, reason: 'the CA returned no private key for the console certificate' };
  const certPem = issued.value.certPem + issued.value.chainPem;
  ensurePrivateDir(stateDir);
  ensurePrivateDir(dir);
  writePrivateFile(keyFile, keyPem);
  writeFileSync(certFile, certPem);
  return { ok: true, certPem, keyPem, issued: true };
}

/** What the CA bundle needs from the PKI (PkiService as it is). */
export interface CaCertificates {
  authorities(): Array<{ id: string }>;
  caCertificate(issuerId: string): Buffer | null;
}

/**
 * Every CA certificate of our hierarchy (root and branches) as PEM: the trust the console's TLS
 * checks operator certificates against. Intermediates are included because browsers send only
 * the leaf.
 */
export function operatorCaBundle(pki: CaCertificates): string {
  return pki
    .authorities()
    .map((authority) => pki.caCertificate(authority.id))
    .filter((der): der is Buffer => der !== null)
    .map((der) => new X509Certificate(der).toString())
    .join('');
}
