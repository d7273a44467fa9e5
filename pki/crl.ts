/** CRLs (RFC 5280 section 5): v2, signed by the issuing CA, with CRL number and nextUpdate. */
import { enumerated, explicit, sequence, smallInteger, time, unsignedInteger } from './der';
import type { Authority } from './issue';
import type { RevokedEntry } from './store';
import { reasonCode } from './store';
import { OID, authorityKeyIdentifierExtension, extension, signAndWrap } from './x509';

/** How long a CRL is valid; it is regenerated on every revocation and when half of this has passed. */
export const CRL_LIFETIME_MS = 7 * 86_400_000;

export function buildCrl(
  issuer: Authority,
  revoked: RevokedEntry[],
  crlNumber: number,
  thisUpdate: Date,
  nextUpdate: Date,
): Buffer {
  const entries = revoked.map((entry) => {
    const code = reasonCode(entry.reason);
    return sequence(
      unsignedInteger(Buffer.from(entry.serial.length % 2 ? `0${entry.serial}` : entry.serial, 'hex')),
      time(new Date(entry.revokedAt)),
      ...(code === 0 ? [] : [sequence(extension(OID.crlReason, false, enumerated(code)))]),
    );
  });
  const tbs = sequence(
    smallInteger(1),
    issuer.algorithm.identifier,
    issuer.subject,
    time(thisUpdate),
    time(nextUpdate),
    ...(entries.length ? [sequence(...entries)] : []),
    explicit(
      0,
      sequence(
        authorityKeyIdentifierExtension(issuer.keyId),
        extension(OID.crlNumber, false, smallInteger(crlNumber)),
      ),
    ),
  );
  return signAndWrap(tbs, issuer.key, issuer.algorithm);
}
