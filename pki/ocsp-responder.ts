/**
 * The OCSP responder (RFC 6960) of the CAs unlocked here: answers from the index, signed by each
 * CA's delegated signer, which the CA issues and rotates itself (never on request).
 */
import type { KeyObject } from 'node:crypto';
import type { CaContext } from './ca-context';
import { audited } from './ca-context';
import {
  OCSP_SIGNER_DAYS,
  buildOcspSignerCertificate,
  issuerHashes,
  paths,
  writeCaKey,
  writeCertPem,
} from './hierarchy';
import type { Authority } from './issue';
import { generateKey, keySuiteOf, signatureAlgorithmFor } from './key-types/index';
import { OCSP_STATUS, buildOcspResponse, ocspError, parseOcspRequest, responderKeyHash } from './ocsp';
import type { OcspSigner, SingleStatus } from './ocsp';
import { readCertificate } from './x509';

/** Rotate a delegated signer this long before it expires. */
export const OCSP_SIGNER_RENEW_BEFORE_MS = 30 * 86_400_000;

export function makeSigner(certDer: Buffer, key: KeyObject): OcspSigner {
  return {
    certDer,
    key,
    algorithm: signatureAlgorithmFor(key),
    responderKeyHash: responderKeyHash(readCertificate(certDer).spki),
  };
}

/** CertID issuer hashes ("sha1:name:key", "sha256:name:key") → authority id. */
export function certIdIndex(cas: Iterable<Authority>): Map<string, string> {
  const index = new Map<string, string>();
  for (const authority of cas) {
    const hashes = issuerHashes(authority);
    index.set(`sha1:${hashes.sha1}`, authority.id);
    index.set(`sha256:${hashes.sha256}`, authority.id);
  }
  return index;
}

/** Answers a DER OCSPRequest with a DER OCSPResponse; never throws on bad input. */
export function respond(ctx: CaContext, byCertIdHash: Map<string, string>, requestDer: Buffer): Buffer {
  const request = parseOcspRequest(requestDer);
  if ('error' in request) return ocspError(OCSP_STATUS.malformedRequest);
  let issuerId: string | null = null;
  const answers: { certId: Buffer; status: SingleStatus }[] = [];
  for (const certId of request.certIds) {
    const owner =
      byCertIdHash.get(`${certId.hashAlgorithm}:${certId.issuerNameHash}:${certId.issuerKeyHash}`) ?? null;
    if (issuerId === null && owner !== null) issuerId = owner;
    if (owner === null || owner !== issuerId) {
      answers.push({ certId: certId.raw, status: { status: 'unknown' } });
      continue;
    }
    const state = ctx.store.statusOf(owner, certId.serial);
    answers.push({
      certId: certId.raw,
      status: !state
        ? { status: 'unknown' }
        : state.status === 'revoked'
          ? { status: 'revoked', revokedAt: new Date(state.revokedAt!), reason: state.reason }
          : { status: 'good' },
    });
  }
  const signer = issuerId ? ctx.signers.get(issuerId) : undefined;
  if (!signer) return ocspError(OCSP_STATUS.unauthorized);
  return buildOcspResponse(signer, answers, request.nonce, ctx.now());
}

/** Issues a new delegated OCSP signer for a CA (at init, and before the old one expires). */
export function rotateOcspSigner(ctx: CaContext, issuerId: string, passphrase: string, actor: string): void {
  const issuer = ctx.cas.get(issuerId);
  if (!issuer) throw new Error(`unknown issuer ${issuerId}`);
  const now = ctx.now();
  // The signer is of the CA's own suite: an SM2 CA's OCSP answers are signed SM2-with-SM3 too.
  const signerKeyType = keySuiteOf(issuer.key) === 'sm' ? 'sm2' : 'p256';
  const key = generateKey(signerKeyType);
  const cert = buildOcspSignerCertificate(issuer, ctx.config, key.publicKey, now);
  const p = paths(ctx.dir);
  writeCaKey(p.ocspKey(issuerId), key.privateKey, passphrase);
  writeCertPem(p.ocspCert(issuerId), cert.der);
  ctx.signers.set(issuerId, makeSigner(cert.der, key.privateKey));
  audited(
    ctx,
    {
      actor,
      action: 'ocsp-signer.issue',
      details: {
        issuer: issuerId,
        keyUsed: `ca:${issuerId}`,
        serial: cert.serial,
        validDays: OCSP_SIGNER_DAYS,
      },
      at: now,
    },
    () =>
      ctx.store.insert(
        {
          serial: cert.serial,
          issuerId,
          nodeId: null,
          profile: 'ocsp-signer',
          commonName: `${issuer.commonName} OCSP Responder`,
          dnsNames: [],
          ipAddresses: [],
          keyType: signerKeyType,
          notBefore: cert.notBefore.toISOString(),
          notAfter: cert.notAfter.toISOString(),
          issuedAt: now.toISOString(),
          renewedFrom: null,
          actor,
        },
        cert.der,
      ),
  );
}

/** Rotates every signer that is missing or within OCSP_SIGNER_RENEW_BEFORE_MS of expiring. */
export function keepSignersFresh(ctx: CaContext, passphrase: string, actor: string): void {
  for (const authority of ctx.cas.values()) {
    const signer = ctx.signers.get(authority.id);
    const expires = signer ? readCertificate(signer.certDer).notAfter.getTime() : 0;
    if (expires - ctx.now().getTime() < OCSP_SIGNER_RENEW_BEFORE_MS)
      rotateOcspSigner(ctx, authority.id, passphrase, actor);
  }
}
