/**
 * Sign-in with an operator certificate over mutual TLS. The TLS layer has already checked the chain
 * against our CA bundle; here the certificate must also be one our PKI issued (same serial, same
 * bytes), still valid in its index (revocation is read from the PKI on every sign-in, not from a
 * cached CRL), of the `operator` profile, and bound to an active console user.
 */
import type { PkiPort } from '../ports';
import type { AuditTrail } from './audit';
import { refuse, type Outcome } from './outcome';
import type { UserAdmin, UserRecord } from './users';

/** What the TLS socket says about the client's certificate. */
export interface PresentedCertificate {
  /** DER bytes; empty when the client sent none. */
  raw: Buffer;
  serialHex: string;
  /** Whether the chain verified against the CA bundle, and why not. */
  authorized: boolean;
  authorizationError: string | null;
}

const normalizeSerial = (serial: string) => serial.toLowerCase().replace(/^0+/, '');

export function userForCertificate(
  presented: PresentedCertificate,
  deps: { pki: PkiPort; users: UserAdmin; audit: AuditTrail },
  from: string,
): Outcome<UserRecord> {
  const failed = (actor: string, detail: string) =>
    deps.audit.record({
      actor,
      action: 'login.failed',
      target: actor,
      detail: `certificate: ${detail}`,
      from,
    });
  if (presented.raw.length === 0)
    return refuse(401, 'no_certificate', 'no client certificate was sent; choose your operator certificate');
  const serial = normalizeSerial(presented.serialHex);
  if (!presented.authorized) {
    failed(`serial:${serial}`, `not trusted (${presented.authorizationError ?? 'unknown reason'})`);
    return refuse(
      401,
      'certificate_untrusted',
      `the certificate is not one this network's CA issued, or it has expired (${presented.authorizationError ?? 'not trusted'})`,
    );
  }
  const issued = deps.pki.getCertificate(serial);
  const sameBytes =
    issued !== null &&
    Buffer.from(issued.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64').equals(presented.raw);
  if (!issued || !sameBytes) {
    failed(`serial:${serial}`, 'unknown to our PKI');
    return refuse(
      401,
      'certificate_unknown',
      `certificate ${serial} is not in this network's certificate index`,
    );
  }
  const { record } = issued;
  if (record.status === 'revoked') {
    failed(record.commonName, `serial ${serial} revoked`);
    return refuse(
      401,
      'certificate_revoked',
      `certificate ${serial} (${record.commonName}) was revoked${record.revokedAt ? ` on ${record.revokedAt}` : ''}${record.revocationReason ? ` (${record.revocationReason})` : ''}; ask the PKI administrator for a new one`,
    );
  }
  if (record.profile !== 'operator') {
    failed(record.commonName, `serial ${serial} is a ${record.profile} certificate`);
    return refuse(
      403,
      'not_operator_certificate',
      `certificate ${serial} is a ${record.profile} certificate, not an operator's`,
    );
  }
  const user = deps.users.byCertificateName(record.commonName);
  if (!user || user.locked) {
    failed(record.commonName, user ? 'account disabled' : 'no user bound');
    return refuse(
      401,
      'certificate_unmapped',
      `no active console user signs in with "${record.commonName}"; a system administrator binds it to a user (certificate name)`,
    );
  }
  deps.audit.record({
    actor: user.username,
    action: 'login',
    target: user.username,
    detail: `with operator certificate ${serial} (${record.commonName})`,
    from,
  });
  return { ok: true, value: user };
}
