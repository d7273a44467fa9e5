/** Revocation (RFC 5280 reasons) and the CRLs each issuer re-signs on every change and on schedule. */
import { writePrivateFile } from '../common/index';
import type { CaContext, Result } from './ca-context';
import { SYSTEM_ACTOR, audited, fail, normalizeSerial } from './ca-context';
import { CRL_LIFETIME_MS, buildCrl } from './crl';
import { toPem } from './der';
import { paths } from './hierarchy';
import { isRevocationReason } from './store';
import type { CertificateRecord, RevocationReason } from './store';

export interface CrlView {
  der: Buffer;
  pem: string;
  number: number;
  thisUpdate: string;
  nextUpdate: string;
}

/** Revokes by serial with an RFC 5280 reason; the issuer's CRL is regenerated at once. */
export function revoke(
  ctx: CaContext,
  request: { serial: string; reason: string; actor: string },
): Result<CertificateRecord> {
  if (!isRevocationReason(request.reason)) {
    return fail(
      `unknown revocation reason "${request.reason}" (RFC 5280: keyCompromise, superseded, cessationOfOperation, affiliationChanged, ...)`,
    );
  }
  const reason: RevocationReason = request.reason;
  const serial = normalizeSerial(request.serial);
  const found = ctx.store.get(serial);
  if (!found) return fail(`no certificate with serial ${request.serial}`);
  if (found.record.profile === 'root-ca')
    return fail('the root certificate cannot be revoked by itself; retire the whole hierarchy instead');
  if (found.record.status === 'revoked')
    return fail(
      `certificate ${serial} is already revoked (${found.record.revocationReason ?? ''} at ${found.record.revokedAt ?? ''})`,
    );
  const now = ctx.now();
  const revokedAt = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
  audited(
    ctx,
    {
      actor: request.actor,
      action: 'certificate.revoke',
      details: { serial, issuer: found.record.issuerId, node: found.record.nodeId, reason },
      at: now,
    },
    () => ctx.store.markRevoked(serial, revokedAt, reason),
  );
  regenerateCrl(ctx, found.record.issuerId, request.actor);
  return { ok: true, value: ctx.store.get(serial)!.record };
}

/** Signs a fresh CRL for an issuer (number + 1) and stores it. */
export function regenerateCrl(
  ctx: CaContext,
  issuerId: string,
  actor: string,
): Result<{ number: number; nextUpdate: string }> {
  const issuer = ctx.cas.get(issuerId);
  if (!issuer) return fail(`unknown issuer "${issuerId}"`);
  const now = ctx.now();
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + CRL_LIFETIME_MS);
  const number = (ctx.store.getCrl(issuerId)?.number ?? 0) + 1;
  const der = buildCrl(issuer, ctx.store.revokedBy(issuerId), number, thisUpdate, nextUpdate);
  audited(
    ctx,
    {
      actor,
      action: 'crl.sign',
      details: {
        issuer: issuerId,
        keyUsed: `ca:${issuerId}`,
        crlNumber: number,
        nextUpdate: nextUpdate.toISOString(),
      },
      at: now,
    },
    () =>
      ctx.store.putCrl({
        issuerId,
        number,
        thisUpdate: thisUpdate.toISOString(),
        nextUpdate: nextUpdate.toISOString(),
        der,
      }),
  );
  writePrivateFile(paths(ctx.dir).crl(issuerId), der);
  return { ok: true, value: { number, nextUpdate: nextUpdate.toISOString() } };
}

/** The current CRL of an issuer (DER and PEM), signed now if there is none yet. */
export function currentCrl(ctx: CaContext, issuerId: string): Result<CrlView> {
  if (!ctx.cas.has(issuerId))
    return fail(`unknown issuer "${issuerId}" (known: ${[...ctx.cas.keys()].join(', ')})`);
  let state = ctx.store.getCrl(issuerId);
  if (!state) {
    const made = regenerateCrl(ctx, issuerId, SYSTEM_ACTOR);
    if (!made.ok) return made;
    state = ctx.store.getCrl(issuerId)!;
  }
  return {
    ok: true,
    value: {
      der: state.der,
      pem: toPem('X509 CRL', state.der),
      number: state.number,
      thisUpdate: state.thisUpdate,
      nextUpdate: state.nextUpdate,
    },
  };
}

/** Regenerates every CRL past half its lifetime; the schedule calls this. */
export function refreshCrls(ctx: CaContext): string[] {
  const refreshed: string[] = [];
  const now = ctx.now().getTime();
  for (const id of ctx.cas.keys()) {
    const state = ctx.store.getCrl(id);
    if (!state || new Date(state.nextUpdate).getTime() - now < CRL_LIFETIME_MS / 2) {
      regenerateCrl(ctx, id, SYSTEM_ACTOR);
      refreshed.push(id);
    }
  }
  return refreshed;
}
