/**
 * Certificates of the caller's nodes: list, PEM download, issue (CSR or server-generated key) and
 * revoke. CA private keys never leave the PKI; a generated node key is returned once and not kept.
 */
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { CERT_PROFILES } from '../../shared';
import type {
  CaCertificateView,
  CaKeySuite,
  CaCertificatesResponse,
  CertificatesResponse,
  IssueCertificateResponse,
} from '../../shared';
import type { Scope } from '../access';
import type { ServerContext } from '../context';
import { ApiFailure, notFound } from '../http/errors';
import { defineRoute } from '../http/route';
import type { PkiCertificateRecord, PkiKeyType, PkiPort } from '../ports';
import { certificatesQuerySchema, issueCertificateSchema, revokeSchema } from '../schemas';
import { certificateView, isNodeCertificate, pkiRevocationReason } from '../views';

/**
 * The profile is checked first so a refused one is named (a union alone answers "Invalid input").
 * OCSP-signer and CA certificates are not in CERT_PROFILES: the CA makes those for itself.
 */
const issueBodySchema = z
  .looseObject({
    profile: z.enum(CERT_PROFILES, {
      error: `requestable profiles are ${CERT_PROFILES.join(', ')}; OCSP-signer and CA certificates are made by the CA itself`,
    }),
  })
  .pipe(issueCertificateSchema);

const renewBodySchema = z.strictObject({
  p12Password: z.string().min(8, 'a PKCS#12 password has at least 8 characters').max(256).optional(),
});

const isPkiKeyType = (keyType: string): keyType is PkiKeyType =>
  keyType === 'rsa2048' || keyType === 'p256' || keyType === 'p384';

/** 1.2.156.10197.1.301 (the SM2 curve) as DER; Node's key details do not name this curve. */
const SM2_CURVE_OID_DER = Buffer.from('06082a811ccf5501822d', 'hex');

/** The key suite of an authority's own certificate (the first in its chain); undefined if unreadable. */
function authorityKeySuite(pki: PkiPort, authorityId: string): CaKeySuite | undefined {
  const chain = pki.chainPem(authorityId);
  if (!chain.ok) return undefined;
  try {
    const spki = new X509Certificate(chain.value).publicKey.export({ type: 'spki', format: 'der' });
    return spki.includes(SM2_CURVE_OID_DER) ? 'sm2' : 'rsa-ecdsa';
  } catch {
    return undefined;
  }
}

const keySuiteField = (keySuite: CaKeySuite | undefined): { keySuite?: CaKeySuite } =>
  keySuite === undefined ? {} : { keySuite };

/** The CA's own certificates: its authorities and the OCSP responders' signing certificates. */
function caCertificates(pki: PkiPort, nowMs: number): CaCertificateView[] {
  const authorities: CaCertificateView[] = (pki.authorities?.() ?? []).map((authority) => ({
    id: authority.id,
    kind: authority.kind,
    name: authority.name,
    subject: `CN=${authority.commonName}`,
    issuer: authority.parentId,
    notAfterMs: Date.parse(authority.notAfter),
    ...keySuiteField(authorityKeySuite(pki, authority.id)),
  }));
  const responders: CaCertificateView[] = pki
    .listCertificates({ status: 'valid' })
    .filter((record) => record.profile === 'ocsp-signer' && Date.parse(record.notAfter) > nowMs)
    .map((record) => ({
      id: record.serial,
      kind: 'ocsp',
      name: record.commonName,
      subject: `CN=${record.commonName}`,
      issuer: record.issuerId,
      notAfterMs: Date.parse(record.notAfter),
    }));
  return [...authorities, ...responders];
}

const KEY_TYPES: Record<'rsa-2048' | 'ecdsa-p256' | 'ecdsa-p384' | 'sm2', PkiKeyType> = {
  'rsa-2048': 'rsa2048',
  'ecdsa-p256': 'p256',
  'ecdsa-p384': 'p384',
  sm2: 'sm2',
};

function pkiOf(ctx: ServerContext): PkiPort {
  if (!ctx.pki)
    throw new ApiFailure(
      404,
      'pki_disabled',
      'this console runs without a CA (start it with a pki directory)',
    );
  return ctx.pki;
}

const certInScope = (scope: Scope, record: PkiCertificateRecord): boolean =>
  isNodeCertificate(record) &&
  (record.nodeId === null ? scope.isWholeNetwork : scope.allowsNode(record.nodeId));

function findInScope(
  ctx: ServerContext,
  scope: Scope,
  serial: string,
): { record: PkiCertificateRecord; certPem: string } {
  const found = pkiOf(ctx).getCertificate(serial);
  if (!found || !certInScope(scope, found.record)) throw notFound(`certificate ${serial}`);
  return found;
}

function chainOf(pki: PkiPort, issuerId: string): string {
  const chain = pki.chainPem(issuerId);
  if (!chain.ok) throw new Error(`PKI chain for issuer ${issuerId}: ${chain.reason}`);
  return chain.value;
}

export const certificateRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/certificates',
    summary: 'Node certificates in the caller’s subtree (search by text, node, status)',
    tag: 'certificates',
    permission: 'read',
    query: certificatesQuerySchema,
    returns: 'CertificatesResponse',
    handler: ({ c, who, query }, ctx) => {
      if (query.node !== undefined && !who.scope.allowsNode(query.node))
        throw notFound(`node "${query.node}"`);
      const records = pkiOf(ctx).listCertificates({
        ...(query.node !== undefined ? { nodeId: query.node } : {}),
        ...(query.status === 'revoked' ? { status: 'revoked' as const } : {}),
        ...(query.text !== undefined ? { search: query.text } : {}),
      });
      const now = Date.now();
      const body: CertificatesResponse = {
        certificates: records
          .filter((record) => certInScope(who.scope, record))
          .map((record) => certificateView(record, now))
          .filter((view) => query.status === undefined || view.status === query.status),
      };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/certificates/authorities',
    summary: 'The CA’s own certificates (root, branch CAs, OCSP responders) and their expiry',
    tag: 'certificates',
    permission: 'read',
    returns: 'CaCertificatesResponse',
    handler: ({ c }, ctx) => {
      const body: CaCertificatesResponse = { authorities: caCertificates(pkiOf(ctx), Date.now()) };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/certificates/:serial/renew',
    summary:
      'Renew a node certificate: same node, profile and names, a new key generated here (returned once)',
    tag: 'certificates',
    permission: 'certs.write',
    body: renewBodySchema,
    returns: 'IssueCertificateResponse',
    handler: ({ c, who, param, body, audit }, ctx) => {
      const found = findInScope(ctx, who.scope, param('serial'));
      const pki = pkiOf(ctx);
      if (!pki.renew) throw new ApiFailure(501, 'renew_unsupported', 'this CA does not renew certificates');
      const keyType = found.record.keyType;
      const renewed = pki.renew({
        serial: found.record.serial,
        generate: {
          ...(isPkiKeyType(keyType) ? { keyType } : {}),
          ...(body.p12Password !== undefined ? { p12Password: body.p12Password } : {}),
        },
        actor: who.user.username,
      });
      if (!renewed.ok) throw new ApiFailure(422, 'renew_refused', renewed.reason);
      const { record, certPem, chainPem, keyPem, p12 } = renewed.value;
      audit(
        'certificate.renew',
        record.serial,
        `node=${found.record.nodeId ?? '-'} renews=${found.record.serial} profile=${record.profile}`,
      );
      const response: IssueCertificateResponse = { certificate: certificateView(record), certPem, chainPem };
      if (keyPem !== undefined) response.keyPem = keyPem;
      if (p12 !== undefined) response.p12Base64 = p12.toString('base64');
      c.header('cache-control', 'no-store');
      return c.json(response, 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/certificates/:serial/pem',
    summary: 'The certificate and its issuing chain as PEM (no private key)',
    tag: 'certificates',
    permission: 'read',
    produces: 'application/x-pem-file',
    returns: 'PEM text',
    handler: ({ c, who, param }, ctx) => {
      const found = findInScope(ctx, who.scope, param('serial'));
      c.header('content-disposition', `attachment; filename="${found.record.serial}.pem"`);
      c.header('content-type', 'application/x-pem-file');
      return c.body(found.certPem + chainOf(pkiOf(ctx), found.record.issuerId));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/certificates',
    summary: 'Issue a certificate to a node, from a CSR or with a server-generated key (returned once)',
    tag: 'certificates',
    permission: 'certs.write',
    body: issueBodySchema,
    returns: 'IssueCertificateResponse',
    handler: ({ c, who, body, audit }, ctx) => {
      if (!who.scope.allowsNode(body.node)) throw notFound(`node "${body.node}"`);
      const pki = pkiOf(ctx);
      const actor = who.user.username;
      const issued =
        'csrPem' in body
          ? pki.issueFromCsr({ nodeId: body.node, profile: body.profile, csrPem: body.csrPem, actor })
          : pki.issueWithGeneratedKey({
              nodeId: body.node,
              profile: body.profile,
              keyType: KEY_TYPES[body.generate.keyType],
              ...(body.generate.p12Password !== undefined ? { p12Password: body.generate.p12Password } : {}),
              actor,
            });
      if (!issued.ok)
        throw new ApiFailure(422, 'issue_refused', issued.reason, 'csrPem' in body ? 'csrPem' : 'node');
      const { record, certPem, chainPem } = issued.value;
      const secret = issued.value as { keyPem?: string; p12?: Buffer };
      audit(
        'certificate.issue',
        record.serial,
        `node=${body.node} profile=${body.profile} cn=${record.commonName} ${'csrPem' in body ? 'from CSR' : `generated ${body.generate.keyType}`}`,
      );
      const response: IssueCertificateResponse = { certificate: certificateView(record), certPem, chainPem };
      if (secret.keyPem !== undefined) response.keyPem = secret.keyPem;
      if (secret.p12 !== undefined) response.p12Base64 = secret.p12.toString('base64');
      c.header('cache-control', 'no-store');
      return c.json(response, 201);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/certificates/:serial/revoke',
    summary: 'Revoke a certificate with an RFC 5280 reason (the CRL is re-signed at once)',
    tag: 'certificates',
    permission: 'certs.write',
    body: revokeSchema,
    returns: 'CertificateView',
    handler: ({ c, who, param, body, audit }, ctx) => {
      const found = findInScope(ctx, who.scope, param('serial'));
      const revoked = pkiOf(ctx).revoke({
        serial: found.record.serial,
        reason: pkiRevocationReason(body.reason),
        actor: who.user.username,
      });
      if (!revoked.ok) throw new ApiFailure(409, 'revoke_refused', revoked.reason);
      audit(
        'certificate.revoke',
        found.record.serial,
        `node=${found.record.nodeId ?? '-'} reason=${body.reason}`,
      );
      return c.json(certificateView(revoked.value));
    },
  }),
];
